/** Types of what scripts/toolchain.js (plain JavaScript: Node builtins only) exports, for its tests. */
import type { StdioOptions } from 'node:child_process';

export interface ProgressOptions {
	phase: string;
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	stdio?: StdioOptions;
	intervalMs?: number;
	timeoutMs?: number;
	detail?: () => string;
	onTick?: () => void;
	write?: (line: string) => void;
	now?: () => number;
}

export function runWithProgress(
	command: string,
	args: string[],
	options: ProgressOptions,
): Promise<void>;
export function formatElapsed(ms: number): string;
export function dependencyInstallArgs(projectRoot: string): string[];
export function cacheRoot(): string;
export const PROGRESS_INTERVAL_MS: number;
export const N8N_VERSION: string;
export const NODE_VERSION: string;

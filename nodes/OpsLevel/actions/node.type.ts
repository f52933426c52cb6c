import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	push: 'getMany';
	table: 'getRows' | 'getCurrentState' | 'getChanges';
};

export type OpsLevelType = AllEntities<NodeMap>;

import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	failure: 'send' | 'get' | 'getMany' | 'delete';
	deployment: 'send' | 'get' | 'getMany' | 'delete' | 'markChangeFailure';
};

export type DatadogDoraType = AllEntities<NodeMap>;

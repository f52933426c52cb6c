import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	exportRequest: 'get' | 'getMany';
	exportData: 'getRows';
};

export type FireHydrantType = AllEntities<NodeMap>;

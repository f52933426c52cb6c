import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	exportRequest: 'get' | 'getMany';
	exportData: 'getRows';
	incident: 'get' | 'getMany';
};

export type FireHydrantType = AllEntities<NodeMap>;

import type { IDataObject } from 'n8n-workflow';

/**
 * The parts of FireHydrant's REST entities (specs/firehydrant-openapi.yaml) this pack reads. Every
 * field is optional: the spec marks none required, and a missing one must not crash a run.
 */

export interface Named {
	id?: string;
	name?: string;
}

export interface MilestoneEntity {
	type?: string;
	occurred_at?: string | null;
	updated_at?: string | null;
}

export interface ImpactEntity {
	id?: string;
	type?: string;
	impact?: Named;
	condition?: Named;
}

export interface RoleAssignmentEntity extends IDataObject {
	id: string;
	status?: string;
	created_at?: string | null;
	updated_at?: string | null;
	incident_role?: Named;
	user?: Named;
}

export interface IncidentEntity extends IDataObject {
	id: string;
	name?: string;
	number?: number;
	created_at?: string | null;
	started_at?: string | null;
	discarded_at?: string | null;
	severity?: string | null;
	priority?: string | null;
	organization_id?: string;
	organization?: Named;
	milestones?: MilestoneEntity[];
	impacts?: ImpactEntity[];
	created_by?: Named;
}

export interface EventEntity extends IDataObject {
	id: string;
	incident_id?: string;
	type?: string;
	data?: IDataObject;
	occurred_at?: string | null;
	author?: Named;
}

export interface QuestionEntity {
	title?: string;
	body?: string;
	question_type_id?: string;
}

export interface ReportEntity extends IDataObject {
	id: string;
	name?: string;
	summary?: string | null;
	incident_id?: string;
	created_at?: string | null;
	updated_at?: string | null;
	tag_list?: string[];
	additional_details?: string[] | string | null;
	questions?: QuestionEntity[] | QuestionEntity | null;
}

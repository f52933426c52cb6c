/**
 * The JSON schemas of `incident_event.event_details`, per event type, as FireHydrant's data export doc
 * (shared/vendor/docs/firehydrant-csv-data-export.txt, "Incident Event Details Schemata") prints them.
 * REST events carry no schema; REST rows take it from here, so `event_details_schema` matches the export.
 */
export const EVENT_DETAILS_SCHEMAS: Record<string, object> = {
	IncidentStatus: {
		type: 'object',
		properties: {
			new_status: {
				type: ['string'],
				$comment: 'The status the incident is moving to.',
			},
		},
	},
	BulkMilestoneUpdate: {
		type: 'object',
		properties: {
			original_milestone: {
				type: ['string'],
				$comment: 'The name of the milestone prior to this update',
			},
			current_milestone: {
				type: ['string'],
				$comment: 'The name of the milestone due to this update',
			},
		},
	},
	ImpactUpdate: {
		type: 'object',
		properties: {
			update_type: {
				type: ['string'],
				$comment: 'Whether this event represents an addition, removal, update, or no-op.',
			},
			impacted_type: {
				type: ['string'],
				$comment: 'The type of the item for which impact was updated',
			},
			impacted_id: {
				type: ['string'],
				$comment: 'The id of the item for which impact was updated',
			},
			old_condition_name: {
				type: ['string', 'null'],
				$comment: 'The name of the previous condition before this update',
			},
			new_condition_name: {
				type: ['string', 'null'],
				$comment: 'The name of the condition set in this update',
			},
		},
	},
	GeneralUpdate: {
		type: 'object',
		properties: {
			description: {
				type: ['string'],
				$comment: 'Description of the event',
			},
		},
	},
	Note: {
		type: 'object',
		properties: {
			body: {
				type: ['string'],
				$comment: 'The content of the note.',
			},
		},
	},
	RoleUpdate: {
		type: 'object',
		properties: {
			role_assignment_id: {
				type: ['string'],
				$comment: 'Id of role assignment. See the incident role assignment docs.',
			},
			incident_role_name: {
				type: ['string'],
				$comment: 'Name of the role refrenced in this update.',
			},
			operation: {
				type: ['string'],
				$comment: 'Type of operation performed in this update.',
			},
			assigned_user_id: {
				type: ['string'],
				$comment: 'Id of user (un)assigned in this update.',
			},
			assigned_user_name: {
				type: ['string'],
				$comment: 'Name of user (un)assigned in this update.',
			},
		},
	},
	ChatMessage: {
		type: 'object',
		properties: {
			chat_user_id: {
				type: ['string'],
				$comment: 'The chat-provider user id of the user who sent the message.',
			},
		},
	},
	AddTaskList: {
		type: 'object',
		properties: {
			task_list_id: {
				type: ['string'],
				$comment: 'ID of task list',
			},
			task_list_name: {
				type: ['string'],
				$comment: 'Name of task list',
			},
		},
	},
	RunbookAttachment: {
		type: 'object',
		properties: {
			runbook_id: {
				type: ['string'],
				$comment: 'Id of the runbook that was attached.',
			},
			runbook_name: {
				type: ['string'],
				$comment: 'Name of the runbook that was attached.',
			},
		},
	},
	RunbookStepExecutionUpdate: {
		type: 'object',
		properties: {
			description: {
				type: ['string'],
				$comment: 'A description of the update',
			},
			step_execution_id: {
				type: ['string'],
				$comment: 'Unique ID for this invocation of the step.',
			},
			step_id: {
				type: ['string'],
				$comment: 'Id of the step.',
			},
			step_name: {
				type: ['string'],
				$comment: 'Name of the step.',
			},
		},
	},
	TaskUpdate: {
		type: 'object',
		properties: {
			task_id: {
				type: ['string'],
				$comment: 'Unique id of the task being updated',
			},
			task_summary: {
				type: ['string'],
				$comment: 'Summary of the task being updated',
			},
			task_description: {
				type: ['string'],
				$comment: 'Description of the task being updated',
			},
			operation: {
				type: ['string'],
				$comment: 'Type of of update',
			},
			new_state: {
				type: ['string'],
				$comment: 'New state of the task after this update',
			},
		},
	},
	TeamAssignment: {
		type: 'object',
		properties: {
			team_id: {
				type: ['string'],
				$comment: 'Unique id of the team being being assigned',
			},
			team_name: {
				type: ['string'],
				$comment: 'Name of the team being being assigned',
			},
		},
	},
	TicketUpdate: {
		type: 'object',
		properties: {
			ticket_id: {
				type: ['string'],
				$comment: 'Unique id of the task being updated',
			},
			ticket_type: {
				type: ['string'],
				$comment: 'Type of ticket, eg incident, task, etc',
			},
			ticket_provider_id: {
				type: ['string', 'null'],
				$comment:
					'Id of ticket in non-firehydrant ticketing provider (eg Jira) if the ticket is synced.',
			},
		},
	},
	GenericResourceChange: {
		type: 'object',
		properties: {
			operation: {
				type: ['string'],
				$comment: 'Nature of operation.',
			},
			resource_type: {
				type: ['string'],
				$comment: 'Type of resource changed.',
			},
			resource_id: {
				type: ['string'],
				$comment: 'Unique id of the resource changed.',
			},
			fields: {
				type: ['object'],
				$comment: 'Object containing changed fields.',
			},
		},
	},
};

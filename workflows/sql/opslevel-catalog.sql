-- OpsLevel service catalog in Postgres, for workflows/sync-opslevel-service-catalog-to-postgres.json.
-- One table per OpsLevel table: the columns a report usually filters on, plus the whole row as
-- jsonb (columns OpsLevel adds later land there without a schema change). `sync_run` is the n8n
-- execution that last saw the row: after a complete read, rows another run left behind are the
-- ones OpsLevel deleted (or that vanished from a new full push), and the template removes them.
CREATE TABLE IF NOT EXISTS opslevel_services (
	id text PRIMARY KEY,
	name text,
	alias text,
	owner_id text,
	tier_index integer,
	lifecycle_index integer,
	html_url text,
	updated_at timestamptz,
	row_data jsonb NOT NULL,
	sync_run text NOT NULL,
	synced_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS opslevel_teams (
	id text PRIMARY KEY,
	name text,
	alias text,
	manager_id text,
	html_url text,
	updated_at timestamptz,
	row_data jsonb NOT NULL,
	sync_run text NOT NULL,
	synced_at timestamptz NOT NULL DEFAULT now()
);

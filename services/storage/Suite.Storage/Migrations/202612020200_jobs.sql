-- Queue job state shared by every gateway (gateway/Suite.Gateway/Jobs/PostgresJobStore.cs): one row per job id.
-- A running job is owned by one gateway until its lease expires (renewed while it runs); a finished job keeps its
-- result (jsonb) until the retention sweep deletes it. runs counts the claims that started a run of the job.
CREATE TABLE job_states (
    id uuid PRIMARY KEY,
    status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    owner text,
    lease_expires_at timestamptz,
    result jsonb,
    delivered boolean NOT NULL DEFAULT false,
    runs integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

CREATE INDEX job_states_finished ON job_states (finished_at) WHERE status <> 'running';

-- Tenants, their API keys (only each key's SHA-256, never the key) and usage per hour, tenant, key, model and backend.
-- Owned by the gateway's tenancy (gateway/Suite.Gateway/Tenancy, Usage); tables prefixed tenant_, api_key_, usage_.
CREATE TABLE tenant_accounts (
    id text PRIMARY KEY,
    name text NOT NULL,
    tier text NOT NULL,
    allowed_models text[] NOT NULL DEFAULT '{}',
    allowed_pools text[] NOT NULL DEFAULT '{}',
    allowed_backends text[] NOT NULL DEFAULT '{}',
    limits jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE TABLE api_key_records (
    id text PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenant_accounts (id),
    name text NOT NULL,
    key_hash bytea NOT NULL,
    allowed_models text[] NOT NULL DEFAULT '{}',
    allowed_pools text[] NOT NULL DEFAULT '{}',
    allowed_backends text[] NOT NULL DEFAULT '{}',
    tier text,
    limits jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz
);

CREATE INDEX api_key_records_tenant ON api_key_records (tenant_id);

-- Every gateway adds its counts here (INSERT … ON CONFLICT DO UPDATE), so the sum over gateways is one row per hour.
CREATE TABLE usage_hourly (
    hour timestamptz NOT NULL,
    tenant_id text NOT NULL,
    key_id text NOT NULL,
    model text NOT NULL,
    backend text NOT NULL,
    requests bigint NOT NULL DEFAULT 0,
    failed_requests bigint NOT NULL DEFAULT 0,
    input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, tenant_id, key_id, model, backend)
);

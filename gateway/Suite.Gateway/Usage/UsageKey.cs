namespace Suite.Gateway.Usage;

/// <summary>What usage is counted by: the UTC hour, tenant, key (empty for a tenant-wide job), model and backend (empty when no worker served it).</summary>
public readonly record struct UsageKey(DateTimeOffset Hour, string Tenant, string Key, string Model, string Backend);

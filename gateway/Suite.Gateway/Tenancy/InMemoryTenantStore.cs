namespace Suite.Gateway.Tenancy;

/// <summary>Tenants and keys kept in this process (embedded mode): nothing external, and gone when the process stops.</summary>
public sealed class InMemoryTenantStore : ITenantStore
{
    private readonly Dictionary<string, Tenant> _tenants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApiKeyRecord> _keys = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Kind => "in-process";

    public Task<bool> CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_tenants.TryAdd(tenant.Id, tenant));
        }
    }

    public Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Tenant>>(_tenants.Values.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal).ToList());
        }
    }

    public Task<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_tenants.GetValueOrDefault(id));
        }
    }

    public Task<Tenant?> RevokeTenantAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_tenants.TryGetValue(id, out var tenant))
            {
                return Task.FromResult<Tenant?>(null);
            }

            tenant = tenant with { RevokedAt = tenant.RevokedAt ?? at };
            _tenants[id] = tenant;
            foreach (var key in _keys.Values.Where(k => k.TenantId == id && k.RevokedAt is null).ToList())
            {
                _keys[key.Id] = key with { RevokedAt = at };
            }

            return Task.FromResult<Tenant?>(tenant);
        }
    }

    public Task<bool> CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_tenants.ContainsKey(key.TenantId) && _keys.TryAdd(key.Id, key));
        }
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string? tenantId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ApiKeyRecord>>(_keys.Values
                .Where(k => tenantId is null || k.TenantId == tenantId)
                .OrderByDescending(k => k.CreatedAt)
                .ThenBy(k => k.Id, StringComparer.Ordinal)
                .ToList());
        }
    }

    public Task<(ApiKeyRecord Key, Tenant Tenant)?> FindKeyAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<(ApiKeyRecord, Tenant)?>(_keys.TryGetValue(id, out var key) && _tenants.TryGetValue(key.TenantId, out var tenant) ? (key, tenant) : null);
        }
    }

    public Task<ApiKeyRecord?> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_keys.TryGetValue(id, out var key))
            {
                return Task.FromResult<ApiKeyRecord?>(null);
            }

            key = key with { RevokedAt = key.RevokedAt ?? at };
            _keys[id] = key;
            return Task.FromResult<ApiKeyRecord?>(key);
        }
    }
}

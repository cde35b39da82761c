namespace Suite.Gateway.Tenancy;

/// <summary>
/// Where tenants and hashed keys live: in process (embedded mode, nothing external) or in PostgreSQL (distributed
/// mode, shared by every gateway). Tenants and keys are created and revoked, never edited: a change of terms is a new
/// key, so what a request was admitted under is never rewritten.
/// </summary>
public interface ITenantStore
{
    /// <summary>What the store is, for /health: <c>in-process</c> or <c>postgres</c>.</summary>
    string Kind { get; }

    /// <summary>False when a tenant with this id exists already.</summary>
    Task<bool> CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken);

    Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken);

    Task<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken);

    /// <summary>Revokes a tenant and every key of it; returns it as revoked, or null if there is none.</summary>
    Task<Tenant?> RevokeTenantAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>False when a key with this id exists already.</summary>
    Task<bool> CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Every key (of one tenant, when <paramref name="tenantId"/> is set), newest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string? tenantId, CancellationToken cancellationToken);

    /// <summary>A key by id with its tenant, or null.</summary>
    Task<(ApiKeyRecord Key, Tenant Tenant)?> FindKeyAsync(string id, CancellationToken cancellationToken);

    /// <summary>Revokes a key; returns it as revoked, or null if there is none.</summary>
    Task<ApiKeyRecord?> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);
}

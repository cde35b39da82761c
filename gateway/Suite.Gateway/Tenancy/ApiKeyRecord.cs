namespace Suite.Gateway.Tenancy;

/// <summary>
/// An API key as stored: never the key itself, only its SHA-256 (<see cref="Hash"/>), with what it may use (within its
/// tenant's access), its own tier (null: the tenant's), its own limits, and when it expires or was revoked.
/// </summary>
public sealed record ApiKeyRecord(
    string Id,
    string TenantId,
    string Name,
    byte[] Hash,
    TenantAccess Access,
    TenantTier? Tier,
    TenantLimits Limits,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt = null,
    DateTimeOffset? RevokedAt = null)
{
    /// <summary>What the key can be recognised by in listings: its prefix and id, never the secret.</summary>
    public string Display => ApiKeySecrets.Prefix + Id + "_…";
}

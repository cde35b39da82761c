namespace Suite.Gateway.Tenancy;

/// <summary>A team or customer sharing the fleet: its service tier, what it may use, and limits over all its keys.</summary>
public sealed record Tenant(
    string Id,
    string Name,
    TenantTier Tier,
    TenantAccess Access,
    TenantLimits Limits,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt = null);

using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Tests.Tenancy;

/// <summary>Tenants, keys and callers for tests.</summary>
internal static class TestTenants
{
    public static Tenant Tenant(string id = "acme", TenantLimits? limits = null, TenantAccess? access = null, TenantTier tier = TenantTier.Standard)
        => new(id, id, tier, access ?? TenantAccess.Any, limits ?? TenantLimits.None, DateTimeOffset.UnixEpoch);

    public static ApiKeyRecord Key(Tenant tenant, string id = "0123456789ab", TenantLimits? limits = null, TenantAccess? access = null, DateTimeOffset? expires = null)
        => new(id, tenant.Id, "test", new byte[32], access ?? TenantAccess.Any, null, limits ?? TenantLimits.None, DateTimeOffset.UnixEpoch, expires);

    public static Caller Caller(TenantLimits? tenantLimits = null, TenantLimits? keyLimits = null, string tenant = "acme", string key = "0123456789ab")
    {
        var t = Tenant(tenant, tenantLimits);
        return Gateway.Tenancy.Caller.ForKey(t, Key(t, key, keyLimits));
    }
}

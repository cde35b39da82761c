using Suite.Contracts;

namespace Suite.Gateway.Tenancy;

/// <summary>
/// Who a request comes from, once its key is checked: the tenant, the key (null for the anonymous caller of a gateway
/// without keys), and what the two allow together. Every door (HTTP, queue jobs, batches) carries one, and the
/// request session enforces it: models, placement, limits, fair share and priority.
/// </summary>
public sealed record Caller(Tenant Tenant, ApiKeyRecord? Key, TenantAccess Access, TenantTier Tier)
{
    /// <summary>The tenant of every request when the gateway asks for no key.</summary>
    public const string AnonymousTenantId = "anonymous";

    /// <summary>The tenant that <c>Gateway__ApiKeys</c> keys belong to.</summary>
    public const string DefaultTenantId = "default";

    public static Caller Anonymous { get; } = ForTenant(new Tenant(AnonymousTenantId, "Anonymous (no keys configured)", TenantTier.Standard, TenantAccess.Any, TenantLimits.None, DateTimeOffset.UnixEpoch));

    public bool IsAnonymous => ReferenceEquals(Tenant, Anonymous.Tenant);

    public string TenantId => Tenant.Id;

    public string? KeyId => Key?.Id;

    public Placement? Placement => Access.Placement();

    /// <summary>True when admission needs the prompt's token count (a token limit on the key or the tenant).</summary>
    public bool HasTokenLimits => Tenant.Limits.HasTokenLimits() || Key?.Limits.HasTokenLimits() == true;

    public bool HasLimits => !Tenant.Limits.IsEmpty() || Key?.Limits.IsEmpty() == false;

    /// <summary>A caller acting for a tenant as a whole (a queue job or batch submitted for it), with the tenant's access.</summary>
    public static Caller ForTenant(Tenant tenant) => new(tenant, null, tenant.Access, tenant.Tier);

    /// <summary>A caller holding <paramref name="key"/> of <paramref name="tenant"/>: the key's access within the tenant's.</summary>
    public static Caller ForKey(Tenant tenant, ApiKeyRecord key) => new(tenant, key, key.Access.Within(tenant.Access), key.Tier ?? tenant.Tier);

    /// <summary>The priority a request runs at: what it asked for, no higher than this caller's tier allows.</summary>
    public int Priority(int? requested, TenancyOptions options)
    {
        var ceiling = options.MaxPriority(Tier);
        return Math.Min(requested ?? 0, ceiling);
    }
}

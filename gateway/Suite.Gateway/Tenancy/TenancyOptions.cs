using System.ComponentModel.DataAnnotations;

namespace Suite.Gateway.Tenancy;

/// <summary>
/// Tenants, keys and tiers (section <c>Tenancy</c>). Tenants and keys themselves are created through the admin API
/// (<c>/admin/v1</c>), which exists only when <see cref="AdminKey"/> is set; <c>Gateway__ApiKeys</c> remains a shorthand
/// for one tenant with no limits.
/// </summary>
public sealed class TenancyOptions : IValidatableObject
{
    public const string Section = "Tenancy";

    /// <summary>
    /// The admin credential (<c>Authorization: Bearer</c>) for <c>/admin/v1/*</c>; no API key opens it, and it opens
    /// nothing else. Empty: there is no admin API (404), and without <c>Gateway__ApiKeys</c> no key is asked for at all.
    /// </summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// How long a gateway keeps a key it looked up in the store. Revocation still takes effect at once on every gateway
    /// while the limit store (Redis) is reachable; without it, within this time.
    /// </summary>
    [Range(0, 3600)]
    public double KeyCacheSeconds { get; set; } = 30;

    /// <summary>Weights in weighted-fair admission under overload: a tenant's share of a saturated fleet is proportional to its tier's weight.</summary>
    [Range(0.01, 1000)]
    public double LowWeight { get; set; } = 1;

    [Range(0.01, 1000)]
    public double StandardWeight { get; set; } = 4;

    [Range(0.01, 1000)]
    public double HighWeight { get; set; } = 16;

    /// <summary>
    /// The highest <c>priority</c> a client of each tier may set (workers admit higher priority first); a higher value
    /// is lowered to it. A request that sets none gets the smaller of 0 and its tier's ceiling.
    /// </summary>
    [Range(-1000, 1000)]
    public int LowMaxPriority { get; set; } = -1;

    [Range(-1000, 1000)]
    public int StandardMaxPriority { get; set; }

    [Range(-1000, 1000)]
    public int HighMaxPriority { get; set; } = 10;

    public double Weight(TenantTier tier) => tier switch
    {
        TenantTier.Low => LowWeight,
        TenantTier.High => HighWeight,
        _ => StandardWeight,
    };

    public int MaxPriority(TenantTier tier) => tier switch
    {
        TenantTier.Low => LowMaxPriority,
        TenantTier.High => HighMaxPriority,
        _ => StandardMaxPriority,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AdminKey is { Length: > 0 and < 16 })
        {
            yield return new ValidationResult("Tenancy:AdminKey must be at least 16 characters.", [nameof(AdminKey)]);
        }

        if (!(LowMaxPriority <= StandardMaxPriority && StandardMaxPriority <= HighMaxPriority))
        {
            yield return new ValidationResult("Tenancy: LowMaxPriority ≤ StandardMaxPriority ≤ HighMaxPriority must hold.", [nameof(StandardMaxPriority)]);
        }
    }
}

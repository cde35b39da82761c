using System.ComponentModel.DataAnnotations;

namespace Suite.Gateway.Limits;

/// <summary>Per-key and per-tenant limits (section <c>Limits</c>); the limits themselves belong to tenants and keys.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// What a request gets while the shared limit store (Redis) is unreachable: <c>Open</c> serves it unlimited (and
    /// <c>/health</c> says so), <c>Closed</c> refuses it with 503 <c>limits_unavailable</c> and Retry-After.
    /// </summary>
    public LimitStoreFailure WhenStoreUnavailable { get; set; } = LimitStoreFailure.Open;

    /// <summary>
    /// How long a request counts against a concurrency limit at most: a gateway that dies mid-request cannot release
    /// its place, so places expire after this. Keep it above the longest request.
    /// </summary>
    [Range(10, 86_400)]
    public double ConcurrencyLeaseSeconds { get; set; } = 900;
}

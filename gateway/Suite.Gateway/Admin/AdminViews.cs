using Suite.Gateway.Tenancy;
using Suite.Gateway.Usage;

namespace Suite.Gateway.Admin;

/// <summary>What the admin API returns (snake_case JSON, times as Unix seconds as in OpenAI's API).</summary>
internal static class AdminViews
{
    public static TenantView Of(Tenant tenant) => new(
        tenant.Id,
        "tenant",
        tenant.Name,
        TenancyJson.TierName(tenant.Tier),
        tenant.Access.Models,
        tenant.Access.Pools,
        tenant.Access.Backends,
        tenant.Limits,
        tenant.CreatedAt.ToUnixTimeSeconds(),
        tenant.RevokedAt?.ToUnixTimeSeconds());

    public static KeyView Of(ApiKeyRecord key, string? secret = null) => new(
        key.Id,
        "api_key",
        key.TenantId,
        key.Name,
        secret,
        key.Display,
        key.Tier is { } tier ? TenancyJson.TierName(tier) : null,
        key.Access.Models,
        key.Access.Pools,
        key.Access.Backends,
        key.Limits,
        key.CreatedAt.ToUnixTimeSeconds(),
        key.ExpiresAt?.ToUnixTimeSeconds(),
        key.RevokedAt?.ToUnixTimeSeconds());

    public static UsageRowView Of(KeyValuePair<UsageKey, UsageCounts> row) => new(
        row.Key.Tenant,
        row.Key.Key.Length == 0 ? null : row.Key.Key,
        row.Key.Model,
        row.Key.Backend.Length == 0 ? null : row.Key.Backend,
        row.Value.Requests,
        row.Value.FailedRequests,
        row.Value.InputTokens,
        row.Value.OutputTokens);

    public sealed record TenantView(string Id, string Object, string Name, string Tier, IReadOnlyList<string> AllowedModels, IReadOnlyList<string> AllowedPools, IReadOnlyList<string> AllowedBackends, TenantLimits Limits, long CreatedAt, long? RevokedAt);

    /// <summary><c>Key</c> is the secret, set only in the answer to its creation.</summary>
    public sealed record KeyView(string Id, string Object, string TenantId, string Name, string? Key, string Display, string? Tier, IReadOnlyList<string> AllowedModels, IReadOnlyList<string> AllowedPools, IReadOnlyList<string> AllowedBackends, TenantLimits Limits, long CreatedAt, long? ExpiresAt, long? RevokedAt, bool? RevocationPropagated = null);

    public sealed record UsageRowView(string TenantId, string? KeyId, string Model, string? Backend, long Requests, long FailedRequests, long InputTokens, long OutputTokens);

    public sealed record ListView<T>(string Object, IReadOnlyList<T> Data);

    public sealed record UsageView(string Object, long StartTime, long EndTime, IReadOnlyList<UsageRowView> Data, UsageTotals Totals);

    public sealed record UsageTotals(long Requests, long FailedRequests, long InputTokens, long OutputTokens);
}

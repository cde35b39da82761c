namespace Suite.Gateway.Tenancy;

/// <summary>
/// Limits of one tenant or one key; null means no limit. Token limits count prompt tokens plus generated tokens
/// (<see cref="TokensPerDay"/>, <see cref="TokensPerMonth"/>, calendar periods in UTC) or each side on its own (per
/// minute). A request reserves its prompt's real token count plus its <c>max_tokens</c> when admitted and is settled
/// with what it really used when it ends.
/// </summary>
public sealed record TenantLimits(
    long? RequestsPerMinute = null,
    long? InputTokensPerMinute = null,
    long? OutputTokensPerMinute = null,
    long? ConcurrentRequests = null,
    long? TokensPerDay = null,
    long? TokensPerMonth = null)
{
    public static TenantLimits None { get; } = new();

    /// <summary>True when admitting a request needs its token count (so its prompt is encoded before admission).</summary>
    public bool HasTokenLimits() => InputTokensPerMinute is not null || OutputTokensPerMinute is not null || TokensPerDay is not null || TokensPerMonth is not null;

    public bool IsEmpty() => !HasTokenLimits() && RequestsPerMinute is null && ConcurrentRequests is null;
}

namespace Suite.Gateway.Limits;

/// <summary>
/// The counters behind per-key and per-tenant limits: in process (embedded mode) or in Redis, where one atomic script
/// checks and charges every counter of a request so that any number of gateways enforce one limit. Both keep the same
/// arithmetic (tested by the same contract tests).
/// </summary>
public interface ILimitStore
{
    /// <summary>What the store is, for /health: <c>in-process</c> or <c>redis</c>.</summary>
    string Kind { get; }

    /// <summary>True when several gateways share it (so revocations elsewhere are seen through it).</summary>
    bool Shared { get; }

    /// <summary>
    /// Checks <paramref name="checks"/> (after the revocation marks <paramref name="marks"/>) and, when all pass and
    /// this is not a dry run, charges them all at once; a concurrency place is held by <paramref name="member"/> for
    /// <paramref name="leaseMs"/>.
    /// </summary>
    Task<LimitOutcome> ReserveAsync(IReadOnlyList<string> marks, IReadOnlyList<LimitCheck> checks, string member, long leaseMs, bool dryRun, CancellationToken cancellationToken);

    /// <summary>
    /// Settles a reservation: per-minute buckets get back <c>Delta</c> tokens (less when the request used more than it
    /// reserved), budgets are charged <c>Delta</c> more, and <paramref name="member"/>'s concurrency places are released.
    /// </summary>
    Task SettleAsync(IReadOnlyList<(LimitCheck Check, long Delta)> settlements, string member, CancellationToken cancellationToken);

    /// <summary>Marks a scope revoked, for <paramref name="ttl"/>: every gateway's next admission for it is refused.</summary>
    Task MarkRevokedAsync(string mark, TimeSpan ttl, CancellationToken cancellationToken);
}

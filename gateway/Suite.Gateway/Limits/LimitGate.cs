using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Gateway.Tenancy;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Limits;

/// <summary>
/// Admission's limit check for one request: reserves its counters (the key's and the tenant's) in the store, settles
/// them when it ends, and applies the configured policy when the store cannot be reached (never a 500). It also keeps
/// what <c>/health</c> reports about the store.
/// </summary>
public sealed partial class LimitGate(ILimitStore store, IOptions<LimitsOptions> options, IOptions<TenancyOptions> tenancy, TimeProvider time, ILogger<LimitGate> logger)
{
    private readonly long _leaseMs = (long)(options.Value.ConcurrencyLeaseSeconds * 1000);
    private readonly Lock _lock = new();
    private string? _lastError;
    private DateTimeOffset? _unreachableSince;
    private volatile bool _down;

    public LimitStoreHealth Health
    {
        get
        {
            lock (_lock)
            {
                return new LimitStoreHealth(store.Kind, _unreachableSince is null, Policy, _lastError, _unreachableSince);
            }
        }
    }

    private string Policy => options.Value.WhenStoreUnavailable == LimitStoreFailure.Open ? "fail-open" : "fail-closed";

    /// <summary>
    /// Reserves one request of <paramref name="inputTokens"/> prompt tokens that may generate
    /// <paramref name="outputTokens"/> (both 0 when the caller has no token limits and the prompt is not encoded yet).
    /// </summary>
    public async Task<LimitVerdict> ReserveAsync(Caller caller, Guid requestId, long inputTokens, long outputTokens, CancellationToken cancellationToken)
    {
        if (caller.IsAnonymous || (!caller.HasLimits && !store.Shared))
        {
            // Nothing to count, and revocation in this process is already in the store the caller was resolved from.
            return LimitVerdict.Unlimited;
        }

        var scopes = LimitPlan.Scopes(caller);
        var marks = scopes.Select(s => LimitPlan.Mark(s.Scope)).ToList();
        var checks = LimitPlan.Checks(scopes, inputTokens, outputTokens, time.GetUtcNow());
        var member = requestId.ToString("N");
        LimitOutcome outcome;
        try
        {
            outcome = await store.ReserveAsync(marks, checks, member, _leaseMs, dryRun: false, cancellationToken).ConfigureAwait(false);
            Reached();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Unreached(e);
            return options.Value.WhenStoreUnavailable == LimitStoreFailure.Open ? LimitVerdict.Unlimited : new LimitVerdict(PipelineErrors.LimitsUnavailable, null, null);
        }

        if (LimitPlan.Refusal(outcome, checks, marks) is { } refusal)
        {
            // The headers of a refused request show the counters as they stand, without it.
            return new LimitVerdict(refusal, outcome.RevokedMark >= 0 ? null : LimitPlan.Snapshot(checks, outcome.Values), null);
        }

        return new LimitVerdict(null, LimitPlan.Snapshot(checks, outcome.Values), checks.Count == 0 ? null : new LimitReservation(member, checks));
    }

    /// <summary>The <c>x-ratelimit-*</c> figures of a caller without charging anything (for responses that use no tokens).</summary>
    public async Task<RateLimitSnapshot?> PeekAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.HasLimits)
        {
            return null;
        }

        var scopes = LimitPlan.Scopes(caller);
        var checks = LimitPlan.Checks(scopes, 0, 0, time.GetUtcNow(), forPeek: true).Where(c => c.Kind == LimitKind.PerMinute).ToList();
        if (checks.Count == 0)
        {
            return null;
        }

        try
        {
            var outcome = await store.ReserveAsync([], checks, string.Empty, 0, dryRun: true, cancellationToken).ConfigureAwait(false);
            Reached();
            return LimitPlan.Snapshot(checks, outcome.Values);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Unreached(e);
            return null;
        }
    }

    /// <summary>Settles a reservation with what the request used; a store that cannot be reached loses it (logged).</summary>
    public async Task SettleAsync(LimitReservation reservation, long inputTokens, long outputTokens)
    {
        var settlements = LimitPlan.Settlements(reservation, inputTokens, outputTokens);
        if (settlements.Count == 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await store.SettleAsync(settlements, reservation.Member, timeout.Token).ConfigureAwait(false);
            Reached();
        }
        catch (Exception e)
        {
            // Unsettled: unused reserved tokens come back with the buckets' refill, a concurrency place with its lease.
            Unreached(e);
        }
    }

    /// <summary>Marks a key or tenant revoked in the store, so every gateway refuses it at its next request.</summary>
    public async Task<bool> MarkRevokedAsync(string scope, CancellationToken cancellationToken)
    {
        // The mark must outlive every gateway's cached copy of the key; after that the store's record says it.
        var ttl = TimeSpan.FromSeconds((tenancy.Value.KeyCacheSeconds * 2) + 60);
        try
        {
            await store.MarkRevokedAsync(LimitPlan.Mark(scope), ttl, cancellationToken).ConfigureAwait(false);
            Reached();
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Unreached(e);
            return false;
        }
    }

    private void Reached()
    {
        if (!_down)
        {
            return;
        }

        lock (_lock)
        {
            if (_unreachableSince is not null)
            {
                LogStoreBack(logger, store.Kind);
            }

            _unreachableSince = null;
            _down = false;
        }
    }

    private void Unreached(Exception e)
    {
        lock (_lock)
        {
            if (_unreachableSince is null)
            {
                LogStoreUnreachable(logger, store.Kind, e.Message, Policy);
                _unreachableSince = time.GetUtcNow();
            }

            _down = true;

            _lastError = $"{e.GetType().Name}: {e.Message}";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Store} limit store is unreachable ({Reason}); requests are served {Policy} until it is back")]
    private static partial void LogStoreUnreachable(ILogger logger, string store, string reason, string policy);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Store} limit store is reachable again")]
    private static partial void LogStoreBack(ILogger logger, string store);
}

using System.Globalization;
using Suite.Contracts;
using Suite.Gateway.Tenancy;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Limits;

/// <summary>
/// Turns a caller's limits into the counters one request is checked against (the key's, then the tenant's), and a
/// store's answer into the refusal a client reads and the <c>x-ratelimit-*</c> figures. Both stores run these plans.
/// </summary>
public static class LimitPlan
{
    private const string Prefix = "suite:rl:";

    /// <summary>The revocation mark of a key or tenant scope.</summary>
    public static string Mark(string scope) => "suite:revoked:" + scope;

    public static string KeyScope(string keyId) => "key:" + keyId;

    public static string TenantScope(string tenantId) => "tenant:" + tenantId;

    /// <summary>The scopes of a caller that carry limits or can be revoked: its key, then its tenant.</summary>
    public static IReadOnlyList<(string Scope, TenantLimits Limits)> Scopes(Caller caller)
    {
        var scopes = new List<(string, TenantLimits)>(2);
        if (caller.Key is { } key)
        {
            scopes.Add((KeyScope(key.Id), key.Limits));
        }

        scopes.Add((TenantScope(caller.Tenant.Id), caller.Tenant.Limits));
        return scopes;
    }

    /// <summary>
    /// The counters for a request of <paramref name="inputTokens"/> prompt tokens that may generate
    /// <paramref name="outputTokens"/>; with <paramref name="forPeek"/>, costs are 0 (what is left, charging nothing).
    /// </summary>
    public static List<LimitCheck> Checks(IReadOnlyList<(string Scope, TenantLimits Limits)> scopes, long inputTokens, long outputTokens, DateTimeOffset now, bool forPeek = false)
    {
        var checks = new List<LimitCheck>();
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var cost = forPeek ? 0 : 1;
        foreach (var (scope, limits) in scopes)
        {
            if (limits.RequestsPerMinute is { } rpm)
            {
                checks.Add(new LimitCheck(LimitKind.PerMinute, LimitMeasure.Requests, scope, $"{Prefix}{scope}:rpm", rpm, cost));
            }

            if (limits.InputTokensPerMinute is { } itpm)
            {
                checks.Add(new LimitCheck(LimitKind.PerMinute, LimitMeasure.InputTokens, scope, $"{Prefix}{scope}:itpm", itpm, forPeek ? 0 : inputTokens));
            }

            if (limits.OutputTokensPerMinute is { } otpm)
            {
                checks.Add(new LimitCheck(LimitKind.PerMinute, LimitMeasure.OutputTokens, scope, $"{Prefix}{scope}:otpm", otpm, forPeek ? 0 : outputTokens));
            }

            if (limits.ConcurrentRequests is { } concurrent)
            {
                checks.Add(new LimitCheck(LimitKind.Concurrent, LimitMeasure.ConcurrentRequests, scope, $"{Prefix}{scope}:conc", concurrent, cost));
            }

            if (limits.TokensPerDay is { } daily)
            {
                checks.Add(new LimitCheck(LimitKind.Budget, LimitMeasure.DailyTokens, scope, $"{Prefix}{scope}:day:{day:yyyyMMdd}", daily, forPeek ? 0 : inputTokens + outputTokens, day.AddDays(1).ToUnixTimeMilliseconds()));
            }

            if (limits.TokensPerMonth is { } monthly)
            {
                checks.Add(new LimitCheck(LimitKind.Budget, LimitMeasure.MonthlyTokens, scope, $"{Prefix}{scope}:month:{month:yyyyMM}", monthly, forPeek ? 0 : inputTokens + outputTokens, month.AddMonths(1).ToUnixTimeMilliseconds()));
            }
        }

        return checks;
    }

    /// <summary>The refusal for a store's answer, or null when it admitted the request.</summary>
    public static PipelineError? Refusal(LimitOutcome outcome, IReadOnlyList<LimitCheck> checks, IReadOnlyList<string> marks)
    {
        if (outcome.RevokedMark >= 0)
        {
            var what = marks[outcome.RevokedMark].Contains(":tenant:", StringComparison.Ordinal) ? "This API key's tenant has been revoked." : "This API key has been revoked.";
            return PipelineErrors.Unauthorized(what);
        }

        if (outcome.Refused < 0)
        {
            return null;
        }

        var check = checks[outcome.Refused];
        var value = outcome.Values[outcome.Refused];
        // Whole seconds, rounded up, with a millisecond of slack for the stores' floating-point refill arithmetic.
        var retry = outcome.RetryAfterMs < 0 ? 60 : (int)Math.Min(int.MaxValue, Math.Ceiling((outcome.RetryAfterMs - 1) / 1000.0));
        var scope = Describe(check.Scope);
        var inv = CultureInfo.InvariantCulture;
        return check.Measure switch
        {
            LimitMeasure.Requests => PipelineErrors.RateLimited(string.Create(inv, $"Rate limit reached for requests on {scope}: limit {check.Limit} per minute. Please try again in {retry}s."), retry),
            LimitMeasure.InputTokens or LimitMeasure.OutputTokens when outcome.RetryAfterMs < 0 => PipelineErrors.RateLimited(
                string.Create(inv, $"Request too large for {scope}: it needs {check.Cost} {Tokens(check.Measure)} per minute ({Needs(check.Measure)}), more than the limit of {check.Limit}. Send a shorter prompt or a smaller max_tokens."),
                retry),
            LimitMeasure.InputTokens or LimitMeasure.OutputTokens => PipelineErrors.RateLimited(
                string.Create(inv, $"Rate limit reached for {Tokens(check.Measure)} per minute on {scope}: limit {check.Limit}, used {check.Limit - Math.Max(0, (long)value)}, requested {check.Cost} ({Needs(check.Measure)}). Please try again in {retry}s."),
                retry),
            LimitMeasure.ConcurrentRequests => PipelineErrors.RateLimited(string.Create(inv, $"Too many concurrent requests on {scope}: limit {check.Limit}. Please try again shortly."), retry),
            _ => PipelineErrors.QuotaExceeded(
                string.Create(inv, $"You exceeded the {(check.Measure == LimitMeasure.DailyTokens ? "daily" : "monthly")} token budget of {scope}: {check.Limit} tokens, {(long)value} used, this request needs up to {check.Cost} (prompt + max_tokens). It renews at {DateTimeOffset.FromUnixTimeMilliseconds(check.PeriodEndMs):u}."),
                retry),
        };
    }

    /// <summary>The <c>x-ratelimit-*</c> figures after the request: the per-minute limit with the least left, for requests and for tokens.</summary>
    public static RateLimitSnapshot? Snapshot(IReadOnlyList<LimitCheck> checks, double[] values)
    {
        (long Limit, double Left)? requests = null;
        (long Limit, double Left)? tokens = null;
        for (var j = 0; j < checks.Count && j < values.Length; j++)
        {
            var check = checks[j];
            if (check.Kind != LimitKind.PerMinute)
            {
                continue;
            }

            var entry = (check.Limit, values[j]);
            if (check.Measure == LimitMeasure.Requests)
            {
                requests = requests is { } r && r.Left <= entry.Item2 ? r : entry;
            }
            else
            {
                tokens = tokens is { } t && t.Left <= entry.Item2 ? t : entry;
            }
        }

        if (requests is null && tokens is null)
        {
            return null;
        }

        return new RateLimitSnapshot(
            requests?.Limit,
            requests is { } req ? Math.Max(0, (long)Math.Floor(req.Left)) : 0,
            requests is { } rr ? Reset(rr.Limit, rr.Left) : 0,
            tokens?.Limit,
            tokens is { } tok ? Math.Max(0, (long)Math.Floor(tok.Left)) : 0,
            tokens is { } tt ? Reset(tt.Limit, tt.Left) : 0);

        static double Reset(long limit, double left) => Math.Max(0, (limit - left) * 60.0 / limit);
    }

    /// <summary>
    /// What to settle when a request ends: per-minute token buckets get back what was reserved and not used, budgets are
    /// charged the difference (actual − reserved), concurrency places are released.
    /// </summary>
    public static List<(LimitCheck Check, long Delta)> Settlements(LimitReservation reservation, long inputTokens, long outputTokens)
    {
        var settlements = new List<(LimitCheck, long)>(reservation.Checks.Count);
        foreach (var check in reservation.Checks)
        {
            switch (check.Measure)
            {
                case LimitMeasure.InputTokens when check.Cost != inputTokens:
                    settlements.Add((check, check.Cost - inputTokens));
                    break;
                case LimitMeasure.OutputTokens when check.Cost != outputTokens:
                    settlements.Add((check, check.Cost - outputTokens));
                    break;
                case LimitMeasure.ConcurrentRequests:
                    settlements.Add((check, 0));
                    break;
                case LimitMeasure.DailyTokens or LimitMeasure.MonthlyTokens when check.Cost != inputTokens + outputTokens:
                    settlements.Add((check, inputTokens + outputTokens - check.Cost));
                    break;
            }
        }

        return settlements;
    }

    private static string Tokens(LimitMeasure measure) => measure == LimitMeasure.InputTokens ? "input tokens" : "output tokens";

    private static string Needs(LimitMeasure measure) => measure == LimitMeasure.InputTokens ? "the prompt's tokens" : "its max_tokens";

    private static string Describe(string scope) => scope.StartsWith("key:", StringComparison.Ordinal)
        ? $"API key {ApiKeySecrets.Prefix}{scope[4..]}_…"
        : $"tenant '{scope[7..]}'";
}

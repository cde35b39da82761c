namespace Suite.Gateway.Limits;

/// <summary>
/// The limit counters of one gateway process (embedded mode, or no Redis configured), with the same arithmetic as
/// <see cref="RedisLimitStore"/>'s script: per-minute token buckets, leased concurrency places, period budgets.
/// </summary>
public sealed class InProcessLimitStore(TimeProvider time) : ILimitStore
{
    private readonly Dictionary<string, (double Value, long At)> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, long>> _concurrent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Used, long ExpiresMs)> _budgets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _marks = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Kind => "in-process";

    public bool Shared => false;

    public Task<LimitOutcome> ReserveAsync(IReadOnlyList<string> marks, IReadOnlyList<LimitCheck> checks, string member, long leaseMs, bool dryRun, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            for (var i = 0; i < marks.Count; i++)
            {
                if (_marks.TryGetValue(marks[i], out var until) && until > now)
                {
                    return Task.FromResult(new LimitOutcome(-1, 0, [], i));
                }
            }

            var values = new double[checks.Count];
            var refused = -1;
            long retry = 0;
            for (var j = 0; j < checks.Count; j++)
            {
                var check = checks[j];
                double value;
                switch (check.Kind)
                {
                    case LimitKind.PerMinute:
                        value = Bucket(check, now);
                        if (refused < 0 && check.Cost > value)
                        {
                            refused = j;
                            retry = check.Cost > check.Limit ? -1 : (long)Math.Ceiling((check.Cost - value) * 60_000 / check.Limit);
                        }

                        break;
                    case LimitKind.Concurrent:
                        var places = Places(check.Key, now);
                        value = places.Count;
                        if (refused < 0 && value + check.Cost > check.Limit)
                        {
                            refused = j;
                            retry = 1000;
                        }

                        break;
                    default:
                        value = _budgets.TryGetValue(check.Key, out var budget) && budget.ExpiresMs > now ? budget.Used : 0;
                        if (refused < 0 && value + check.Cost > check.Limit)
                        {
                            refused = j;
                            retry = check.PeriodEndMs - now;
                        }

                        break;
                }

                values[j] = value;
            }

            if (refused < 0 && !dryRun)
            {
                for (var j = 0; j < checks.Count; j++)
                {
                    var check = checks[j];
                    switch (check.Kind)
                    {
                        case LimitKind.PerMinute:
                            values[j] -= check.Cost;
                            _buckets[check.Key] = (values[j], now);
                            break;
                        case LimitKind.Concurrent:
                            Places(check.Key, now)[member] = now + leaseMs;
                            values[j] += check.Cost;
                            break;
                        default:
                            values[j] += check.Cost;
                            _budgets[check.Key] = ((long)values[j], check.PeriodEndMs + 86_400_000);
                            break;
                    }
                }
            }

            return Task.FromResult(new LimitOutcome(refused, retry, values));
        }
    }

    public Task SettleAsync(IReadOnlyList<(LimitCheck Check, long Delta)> settlements, string member, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            foreach (var (check, delta) in settlements)
            {
                switch (check.Kind)
                {
                    case LimitKind.PerMinute when _buckets.ContainsKey(check.Key):
                        _buckets[check.Key] = (Math.Min(check.Limit, Bucket(check, now) + delta), now);
                        break;
                    case LimitKind.Concurrent:
                        Places(check.Key, now).Remove(member);
                        break;
                    case LimitKind.Budget when delta != 0 && _budgets.TryGetValue(check.Key, out var budget):
                        _budgets[check.Key] = (budget.Used + delta, budget.ExpiresMs);
                        break;
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task MarkRevokedAsync(string mark, TimeSpan ttl, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _marks[mark] = time.GetUtcNow().Add(ttl).ToUnixTimeMilliseconds();
        }

        return Task.CompletedTask;
    }

    // Tokens in the bucket now: what was left at its last change plus the refill since, at most its capacity; a bucket
    // never touched is full. Left below zero by a request that used more than it reserved, it refills from there.
    private double Bucket(LimitCheck check, long now)
        => _buckets.TryGetValue(check.Key, out var bucket)
            ? Math.Min(check.Limit, bucket.Value + ((now - bucket.At) * (double)check.Limit / 60_000))
            : check.Limit;

    private Dictionary<string, long> Places(string key, long now)
    {
        if (!_concurrent.TryGetValue(key, out var places))
        {
            places = new Dictionary<string, long>(StringComparer.Ordinal);
            _concurrent[key] = places;
        }

        foreach (var (member, expires) in places)
        {
            if (expires <= now)
            {
                places.Remove(member);
            }
        }

        return places;
    }
}

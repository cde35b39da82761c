namespace Suite.Gateway.Usage;

/// <summary>Usage kept in this process (embedded mode); gone when it stops.</summary>
public sealed class InMemoryUsageStore : IUsageStore
{
    private readonly Dictionary<UsageKey, UsageCounts> _rows = [];
    private readonly Lock _lock = new();

    public Task AddAsync(IReadOnlyCollection<KeyValuePair<UsageKey, UsageCounts>> rows, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var (key, counts) in rows)
            {
                _rows[key] = _rows.GetValueOrDefault(key) + counts;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<KeyValuePair<UsageKey, UsageCounts>>> QueryAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<KeyValuePair<UsageKey, UsageCounts>> result = _rows
                .Where(r => r.Key.Hour >= query.Start && r.Key.Hour < query.End
                    && (query.Tenant is null || r.Key.Tenant == query.Tenant)
                    && (query.Key is null || r.Key.Key == query.Key)
                    && (query.Model is null || r.Key.Model == query.Model))
                .GroupBy(r => r.Key with { Hour = query.Start })
                .Select(g => new KeyValuePair<UsageKey, UsageCounts>(g.Key, g.Aggregate(default(UsageCounts), (sum, r) => sum + r.Value)))
                .OrderBy(r => r.Key.Tenant, StringComparer.Ordinal).ThenBy(r => r.Key.Key, StringComparer.Ordinal)
                .ThenBy(r => r.Key.Model, StringComparer.Ordinal).ThenBy(r => r.Key.Backend, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(result);
        }
    }
}

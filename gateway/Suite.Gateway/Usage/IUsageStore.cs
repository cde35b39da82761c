namespace Suite.Gateway.Usage;

/// <summary>
/// Usage per hour, tenant, key, model and backend: in process (embedded mode) or in PostgreSQL (<c>usage_hourly</c>),
/// where every gateway adds its own counts to the same rows.
/// </summary>
public interface IUsageStore
{
    Task AddAsync(IReadOnlyCollection<KeyValuePair<UsageKey, UsageCounts>> rows, CancellationToken cancellationToken);

    /// <summary>The counts in the range, summed per tenant, key, model and backend (the key's hour is the range's start).</summary>
    Task<IReadOnlyList<KeyValuePair<UsageKey, UsageCounts>>> QueryAsync(UsageQuery query, CancellationToken cancellationToken);
}

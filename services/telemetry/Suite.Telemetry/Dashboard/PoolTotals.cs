namespace Suite.Telemetry.Dashboard;

/// <summary>
/// A pool's figures since the telemetry service first saw it. Cost counts every live worker's price for the time it
/// was live, idle or not, so it is what the pool really cost per token of its traffic.
/// </summary>
public sealed record PoolTotals(
    long Requests,
    long Errors,
    long OutputTokens,
    double? CostUsd,
    double? CostPerMillionOutputTokensUsd,
    double? PricePerHourUsd);

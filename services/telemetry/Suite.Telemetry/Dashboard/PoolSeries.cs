namespace Suite.Telemetry.Dashboard;

/// <summary>
/// A pool's time series, one entry per interval, oldest first; <see cref="Time"/> is each interval's end in Unix
/// seconds. Latencies are in seconds; null where the interval had no sample.
/// </summary>
public sealed record PoolSeries(
    double[] Time,
    double?[] TtftP50,
    double?[] TtftP95,
    double?[] TtftP99,
    double?[] ItlP50,
    double?[] ItlP95,
    double?[] ItlP99,
    double[] OutputTokensPerSecond,
    double[] Requests,
    double[] QueueDepth,
    double[] RunningSequences,
    double[] Workers,
    double?[] KvCacheUsage,
    double?[] CacheHitRate,
    double?[] CostPerMillionOutputTokensUsd);

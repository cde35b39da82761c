namespace Suite.Telemetry.Metrics;

/// <summary>How each backend performs on the traffic seen so far: the data behind the per-backend comparison.</summary>
public sealed record BackendComparison(
    string Model,
    string Backend,
    bool Simulated,
    int Workers,
    long Requests,
    double? TtftP50Seconds,
    double? TtftP99Seconds,
    double? ItlP50Seconds,
    double? ItlP99Seconds,
    double GeneratedTokens,
    double DecodeTokensPerSecond)
{
    public static List<BackendComparison> Build(SuiteMetrics metrics)
    {
        var live = metrics.LiveWorkers();
        var keys = live.Select(w => (w.Model, w.Backend)).ToHashSet();
        return keys.OrderBy(k => k.Model, StringComparer.Ordinal).ThenBy(k => k.Backend, StringComparer.Ordinal).Select(k =>
        {
            var (requests, generated, decodeSeconds, ttftP50, ttftP99, itlP50, itlP99) = metrics.Stats(k.Model, k.Backend)?.Read() ?? default;
            return new BackendComparison(
                k.Model,
                k.Backend,
                live.Any(w => w.Backend == k.Backend && w.Simulated),
                live.Count(w => w.Model == k.Model && w.Backend == k.Backend),
                requests,
                ttftP50,
                ttftP99,
                itlP50,
                itlP99,
                generated,
                decodeSeconds > 0 ? generated / decodeSeconds : 0);
        }).ToList();
    }
}

namespace Suite.Bench.Prefix;

/// <summary>What one policy achieved on the shared-prefix workload (simulated seconds).</summary>
internal sealed record FleetResult(
    string Policy,
    int Measured,
    int Unserved,
    double TtftP50,
    double TtftP90,
    double TtftP99,
    double OutputTokensPerSecond,
    double CacheHitRate,
    double CostPerMillionTokens,
    string Placement);

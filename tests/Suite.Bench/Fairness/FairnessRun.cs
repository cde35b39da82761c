namespace Suite.Bench.Fairness;

/// <summary>
/// What one run measured for each tenant (simulated seconds): TTFT percentiles over the measured window (infinite for a
/// request still without its first token at the end), requests offered, refused with 429 at admission, and served.
/// </summary>
internal sealed record FairnessRun(string Name, IReadOnlyDictionary<string, FairnessRun.TenantFigures> Tenants, double Seconds)
{
    public sealed record TenantFigures(int Offered, int Refused, int Served, double TtftP50, double TtftP90, double TtftP99, double ServedPerSecond);
}

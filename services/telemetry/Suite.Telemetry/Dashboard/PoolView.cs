namespace Suite.Telemetry.Dashboard;

/// <summary>One worker pool of one model: its live workers, totals and time series. <see cref="Simulated"/> marks sim pools.</summary>
public sealed record PoolView(
    string Model,
    string Pool,
    string Backend,
    bool Simulated,
    IReadOnlyList<WorkerView> Workers,
    PoolTotals Totals,
    PoolSeries Series);

namespace Suite.Telemetry.Dashboard;

/// <summary>The dashboard's data (<c>GET /v1/telemetry/dashboard</c>): every pool that has a live worker.</summary>
public sealed record DashboardSnapshot(double IntervalSeconds, double CostWindowSeconds, DateTimeOffset GeneratedAt, IReadOnlyList<PoolView> Pools);

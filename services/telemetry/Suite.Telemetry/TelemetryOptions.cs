using System.ComponentModel.DataAnnotations;

namespace Suite.Telemetry;

/// <summary>Telemetry settings (section <c>Telemetry</c>; environment <c>Telemetry__DashboardIntervalSeconds</c> etc.).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Length of one point of the dashboard's time series: latency percentiles, tokens/s and gauges per interval.</summary>
    [Range(0.2, 300)]
    public double DashboardIntervalSeconds { get; set; } = 5;

    /// <summary>How much history the dashboard keeps and shows.</summary>
    [Range(10, 86_400)]
    public double DashboardWindowSeconds { get; set; } = 1800;

    /// <summary>Seconds over which the cost per million output tokens is averaged (idle time counts: workers cost while idle).</summary>
    [Range(1, 86_400)]
    public double CostWindowSeconds { get; set; } = 60;
}

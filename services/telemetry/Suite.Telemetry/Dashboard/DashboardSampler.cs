using Microsoft.Extensions.Hosting;

namespace Suite.Telemetry.Dashboard;

/// <summary>Closes the dashboard's open interval on a fixed period, so every point covers the same length of time.</summary>
public sealed class DashboardSampler(FleetTimeSeries series, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(series.IntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                series.Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

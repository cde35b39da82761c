using MassTransit;
using Suite.Contracts;
using Suite.Telemetry.Dashboard;
using Suite.Telemetry.Metrics;

namespace Suite.Telemetry.Consumers;

/// <summary>Worker heartbeats feed the running/waiting/KV gauges and the dashboard's pools.</summary>
public sealed class TelemetryWorkerConsumer(SuiteMetrics metrics, FleetTimeSeries series) : IConsumer<WorkerHeartbeat>, IConsumer<WorkerStopped>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        metrics.Observe(context.Message);
        series.Observe(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WorkerStopped> context)
    {
        metrics.Forget(context.Message.WorkerId);
        series.Forget(context.Message.WorkerId);
        return Task.CompletedTask;
    }
}

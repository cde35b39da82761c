using MassTransit;
using Suite.Contracts;
using Suite.Telemetry.Metrics;

namespace Suite.Telemetry.Consumers;

/// <summary>Worker heartbeats feed the running/waiting/KV gauges.</summary>
public sealed class TelemetryWorkerConsumer(SuiteMetrics metrics) : IConsumer<WorkerHeartbeat>, IConsumer<WorkerStopped>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        metrics.Observe(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WorkerStopped> context)
    {
        metrics.Forget(context.Message.WorkerId);
        return Task.CompletedTask;
    }
}

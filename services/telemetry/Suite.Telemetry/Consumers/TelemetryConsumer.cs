using MassTransit;
using Suite.Contracts;
using Suite.Telemetry.Metrics;

namespace Suite.Telemetry.Consumers;

/// <summary>Turns lifecycle events and heartbeats into metrics.</summary>
public sealed class TelemetryConsumer(SuiteMetrics metrics) : IConsumer<RequestCompleted>, IConsumer<WorkerHeartbeat>, IConsumer<WorkerStopped>, IConsumer<HealthProbe>
{
    public Task Consume(ConsumeContext<RequestCompleted> context)
    {
        metrics.Record(context.Message);
        return Task.CompletedTask;
    }

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

    public Task Consume(ConsumeContext<HealthProbe> context)
        => context.RespondAsync(new HealthReported("telemetry", Environment.MachineName, "healthy", new Dictionary<string, string>
        {
            ["workers_seen"] = metrics.LiveWorkers().Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
}

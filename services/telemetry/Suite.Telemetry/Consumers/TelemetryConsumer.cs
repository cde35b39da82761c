using MassTransit;
using Suite.Contracts;
using Suite.Telemetry.Dashboard;
using Suite.Telemetry.Metrics;

namespace Suite.Telemetry.Consumers;

/// <summary>Turns lifecycle events into metrics; answers health probes.</summary>
public sealed class TelemetryConsumer(SuiteMetrics metrics, FleetTimeSeries series) : IConsumer<RequestCompleted>, IConsumer<HealthProbe>
{
    private static readonly System.Diagnostics.ActivitySource Source = new("Suite.Telemetry");

    public Task Consume(ConsumeContext<RequestCompleted> context)
    {
        using var activity = Source.StartActivity("record request");
        activity?.SetTag("gen_ai.request.model", context.Message.Model);
        metrics.Record(context.Message);
        series.Record(RequestSample.From(context.Message));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<HealthProbe> context)
        => context.RespondAsync(new HealthReported("telemetry", Environment.MachineName, "healthy", new Dictionary<string, string>
        {
            ["workers_seen"] = metrics.LiveWorkers().Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
}

namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>
/// A distributed suite whose every process exports its spans over OTLP/HTTP to a local receiver, as a deployment with
/// an OpenTelemetry Collector does (short batch delay, so tests need not wait long).
/// </summary>
public sealed class TracedSuiteFixture : IAsyncLifetime
{
    public OtlpReceiver Receiver { get; private set; } = null!;

    public DistributedSuiteFixture Suite { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Receiver = await OtlpReceiver.StartAsync();
        Suite = new DistributedSuiteFixture(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        });
        await Suite.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Suite is not null)
        {
            await Suite.DisposeAsync();
        }

        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
    }
}

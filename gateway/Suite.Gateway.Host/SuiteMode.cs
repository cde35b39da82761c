using Suite.ModelWorker;
using Suite.Router;
using Suite.ServiceDefaults.Bus;
using Suite.Telemetry;
using Suite.Tokenizer;

namespace Suite.Gateway.Host;

/// <summary>
/// Embedded mode (the default, <c>SUITE_MODE=embedded</c>): tokenizer, router, a CPU worker and telemetry run inside
/// the gateway process on the in-memory bus. Distributed mode (<c>SUITE_MODE=distributed</c>): this process is only the
/// gateway and the other services run as their own processes on RabbitMQ.
/// </summary>
public static class SuiteMode
{
    public static bool IsEmbedded(IConfiguration configuration)
        => !string.Equals(configuration["SUITE_MODE"], "distributed", StringComparison.OrdinalIgnoreCase);

    public static WebApplicationBuilder AddEmbeddedServices(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.ReadBusOptions().Transport != BusTransport.InMemory)
        {
            throw new InvalidOperationException("Embedded mode runs on the in-memory bus; set SUITE_MODE=distributed to use RabbitMQ.");
        }

        builder.AddTokenizer();
        builder.AddRouter();
        builder.AddModelWorker();
        builder.AddTelemetry();
        return builder;
    }
}

using System.Globalization;
using MassTransit;
using Suite.Contracts;
using Suite.Router.Registry;

namespace Suite.Router.Consumers;

/// <summary>The router is healthy when it answers; it reports how many workers it sees.</summary>
public sealed class RouterHealthConsumer(WorkerRegistry registry) : IConsumer<HealthProbe>
{
    public Task Consume(ConsumeContext<HealthProbe> context)
    {
        var live = registry.AllLive();
        var details = new Dictionary<string, string>
        {
            ["workers"] = live.Count.ToString(CultureInfo.InvariantCulture),
            ["models"] = string.Join(",", live.Select(w => w.Heartbeat.Model).Distinct(StringComparer.Ordinal)),
        };
        return context.RespondAsync(new HealthReported("router", Environment.MachineName, live.Count > 0 ? "healthy" : "degraded", details));
    }
}

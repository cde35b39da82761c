using System.Globalization;
using MassTransit;
using Suite.Contracts;
using Suite.Router.Index;
using Suite.Router.Policy;
using Suite.Router.Registry;

namespace Suite.Router.Consumers;

/// <summary>The router is healthy when it answers; it reports how many workers it sees, its policy and its prefix index size.</summary>
public sealed class RouterHealthConsumer(WorkerRegistry registry, PrefixIndex index, IRoutingPolicy policy) : IConsumer<HealthProbe>
{
    public Task Consume(ConsumeContext<HealthProbe> context)
    {
        var live = registry.AllLive();
        var details = new Dictionary<string, string>
        {
            ["workers"] = live.Count.ToString(CultureInfo.InvariantCulture),
            ["models"] = string.Join(",", live.Select(w => w.Heartbeat.Model).Distinct(StringComparer.Ordinal)),
            ["policy"] = policy.Name,
            ["indexed_blocks"] = index.BlockCount.ToString(CultureInfo.InvariantCulture),
        };
        return context.RespondAsync(new HealthReported("router", Environment.MachineName, live.Count > 0 ? "healthy" : "degraded", details));
    }
}

using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Suite.Contracts;
using Microsoft.Extensions.Options;
using Suite.Router.Consumers;
using Suite.Router.Handlers;
using Suite.Router.Index;
using Suite.Router.Policy;
using Suite.Router.Registry;
using Suite.ServiceDefaults.Bus;
using Suite.ServiceDefaults.Pipeline;
using Suite.ServiceDefaults.Configuration;

namespace Suite.Router;

/// <summary>Composes the router service into a host.</summary>
public static class RouterExtensions
{
    public static IHostApplicationBuilder AddRouter(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RouterOptions>(RouterOptions.Section);
        builder.Services.AddSingleton<WorkerRegistry>();
        builder.Services.AddSingleton(sp =>
        {
            // A worker's blocks leave the index with it (timeout or goodbye).
            var index = new PrefixIndex();
            sp.GetRequiredService<WorkerRegistry>().WorkerRemoved += index.RemoveWorker;
            return index;
        });
        builder.Services.AddSingleton<KvSnapshotRequester>();
        builder.Services.AddHostedService<KvIndexMaintenance>();
        builder.Services.AddSingleton(sp => RoutingPolicies.Create(sp.GetRequiredService<IOptions<RouterOptions>>()));
        builder.Services.AddSingleton<RouteDecider>();
        builder.AddServiceHeartbeat("router");
        builder.SuiteBus()
            .Register(x =>
            {
                x.AddConsumer<WorkerHeartbeatConsumer>();
                x.AddConsumer<GetModelsConsumer>();
                x.AddConsumer<RouterHealthConsumer>();
                x.AddConsumer<KvEventsConsumer>();
            })
            .InstanceEndpoint(QueueNames.Router, (context, e) => e.ConfigureConsumer<WorkerHeartbeatConsumer>(context))
            .InstanceEndpoint(QueueNames.Router + "-kv", (context, e) =>
            {
                // One at a time, so each worker's event batches apply in the order they were published.
                e.ConcurrentMessageLimit = 1;
                e.ConfigureConsumer<KvEventsConsumer>(context);
            })
            .Endpoint((context, cfg) => cfg.ReceiveEndpoint(QueueNames.Router, e =>
            {
                e.ConfigureConsumer<GetModelsConsumer>(context);
                e.ConfigureConsumer<RouterHealthConsumer>(context);
            }))
            .PipelineEndpoint(PipelineAddresses.RouterQueue, shared: true, concurrency: Environment.ProcessorCount, e => e
                .Handle<RouteGeneration, RouteGenerationHandler>((m, ex) => PipelineFailures.ToRequester(m.RequestId, m.ReplyAddress, "router", ex)));
        return builder;
    }
}

using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Suite.Contracts;
using Suite.Router.Consumers;
using Suite.Router.Handlers;
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
        builder.Services.AddSingleton<IRoutingPolicy, LeastLoadedPolicy>();
        builder.AddServiceHeartbeat("router");
        builder.SuiteBus()
            .Register(x =>
            {
                x.AddConsumer<WorkerHeartbeatConsumer>();
                x.AddConsumer<GetModelsConsumer>();
                x.AddConsumer<RouterHealthConsumer>();
            })
            .InstanceEndpoint(QueueNames.Router, (context, e) => e.ConfigureConsumer<WorkerHeartbeatConsumer>(context))
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

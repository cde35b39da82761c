using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Suite.Contracts;
using Suite.Gateway.Admin;
using Suite.Gateway.Apis;
using Suite.Gateway.Edge;
using Suite.Gateway.Health;
using Suite.Gateway.Jobs;
using Suite.Gateway.Limits;
using Suite.Gateway.Models;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Sessions;
using Suite.Gateway.Tenancy;
using Suite.ServiceDefaults.Bus;
using Suite.ServiceDefaults.Pipeline;
using Suite.ServiceDefaults.Configuration;

namespace Suite.Gateway;

/// <summary>Composes the gateway (HTTP edge) into a host.</summary>
public static class GatewayExtensions
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<GatewayOptions>(GatewayOptions.Section);
        var options = new GatewayOptions();
        builder.Configuration.GetSection(GatewayOptions.Section).Bind(options);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        var reply = new ReplyEndpoint();
        builder.Services.AddSingleton(reply);
        builder.Services.AddSingleton<StreamRegistry>();
        builder.Services.AddSingleton<GenerationSessions>();
        builder.Services.AddSingleton<ModelDirectory>();
        builder.Services.AddSingleton<ConcurrencyGate>();
        builder.Services.AddSingleton<GenerationHandler>();
        builder.Services.AddSingleton<FleetLiveness>();
        builder.AddTenancy(options);
        builder.AddJobs();
        if (options.TelemetryUrl is { Length: > 0 } telemetry)
        {
            builder.Services.AddTelemetryProxy(telemetry);
        }

        builder.Services.AddHostedService<FailoverMonitor>();
        builder.SuiteBus()
            .Register(x =>
            {
                x.AddConsumer<LivenessConsumer>();
                x.AddConsumer<FleetCapacityConsumer>();
                x.AddConsumer<SubmitGenerationJobConsumer>();
                x.AddRequestClient<GetModels>(QueueNames.Address(QueueNames.Router));
                x.AddRequestClient<TokenizeText>(QueueNames.Address(QueueNames.Tokenizer));
                x.AddRequestClient<DetokenizeTokens>(QueueNames.Address(QueueNames.Tokenizer));
            })
            .InstanceEndpoint("suite-gateway-events", (context, e) =>
            {
                e.ConfigureConsumer<LivenessConsumer>(context);
                e.ConfigureConsumer<FleetCapacityConsumer>(context);
            })
            .Endpoint((context, cfg) => cfg.ReceiveEndpoint(QueueNames.Jobs, e =>
            {
                if (e is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    // Producers set message priority 0–9; the queue must be declared with a maximum to honour it.
                    rabbit.SetQueueArgument("x-max-priority", 9);
                    rabbit.PrefetchCount = options.MaxConcurrentJobs;
                }

                e.ConcurrentMessageLimit = options.MaxConcurrentJobs;
                e.UseMessageRetry(r =>
                {
                    r.Ignore<InvalidJobException>();
                    r.Interval(2, TimeSpan.FromSeconds(1));
                });
                e.ConfigureConsumer<SubmitGenerationJobConsumer>(context);
            }))
            .PipelineEndpoint(reply.Queue, shared: false, concurrency: 1, e => e
                .Handle<TokensGeneratedBatch, ReplyHandler>(traced: false)
                .Handle<TokensGenerated, ReplyHandler>(traced: false)
                .Handle<GenerationCompleted, ReplyHandler>()
                .Handle<GenerationFailed, ReplyHandler>()
                .Handle<GenerationsPending, ReplyHandler>(traced: false)
                .Handle<GenerationPrepared, ReplyHandler>());
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseMiddleware<EdgeRecorder>();
        app.UseOpenAiErrorBodies();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapOpenAiApi();
        app.MapTokenizeApi();
        app.MapHealthApi();
        app.MapAdminApi();
        if (app.Services.GetService<Yarp.ReverseProxy.Configuration.IProxyConfigProvider>() is not null)
        {
            app.MapReverseProxy();
        }

        return app;
    }
}

using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.ServiceDefaults.Bus;

/// <summary>Builds the one MassTransit bus of a process from what its services registered.</summary>
public static class BusExtensions
{
    private const string RegistrationsKey = "Suite.BusRegistrations";

    /// <summary>The registrations of this host; services add consumers and endpoints here.</summary>
    public static SuiteBusRegistrations SuiteBus(this IHostApplicationBuilder builder)
    {
        if (!builder.Properties.TryGetValue(RegistrationsKey, out var value))
        {
            value = new SuiteBusRegistrations
            {
                InstanceName = builder.Configuration["Bus:InstanceName"] is { Length: > 0 } name ? name : SuiteBusRegistrations.InstanceId,
            };
            builder.Properties[RegistrationsKey] = value;
        }

        return (SuiteBusRegistrations)value;
    }

    /// <summary>Announces this service on the bus every second, so gateways can answer 503 at once while it is down.</summary>
    public static IHostApplicationBuilder AddServiceHeartbeat(this IHostApplicationBuilder builder, string service)
    {
        builder.Services.AddSingleton<IHostedService>(sp => new ServiceHeartbeatPublisher(service, sp.GetRequiredService<IBus>(), sp.GetRequiredService<IHostApplicationLifetime>()));
        return builder;
    }

    /// <summary>Reads the transport settings (section <c>Bus</c>; <c>SUITE_RABBITMQ_URI</c> overrides the URI).</summary>
    public static BusOptions ReadBusOptions(this IConfiguration configuration)
    {
        var options = new BusOptions();
        configuration.GetSection(BusOptions.Section).Bind(options);
        if (configuration["SUITE_RABBITMQ_URI"] is { Length: > 0 } uri)
        {
            options.RabbitMqUri = uri;
            options.Transport = BusTransport.RabbitMq;
        }

        if (configuration["SUITE_BUS"] is { Length: > 0 } transport)
        {
            options.Transport = Enum.Parse<BusTransport>(transport, ignoreCase: true);
        }

        return options;
    }

    /// <summary>Builds the bus. Call once, after every service has registered its consumers.</summary>
    public static IHostApplicationBuilder AddSuiteBus(this IHostApplicationBuilder builder)
    {
        var registrations = builder.SuiteBus();
        registrations.Built = true;
        var options = builder.Configuration.ReadBusOptions();
        builder.Services.AddSingleton(Options.Create(options));
        AddPipeline(builder.Services, options, registrations.PipelineEndpoints);

        // The host must not report started before exchanges and queues exist, or first messages are dropped.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(15);

            // A consumer still busy this long after stopping began sees its context cancelled, so what it gave up is
            // returned to its queue (a job goes to another gateway) instead of holding the shutdown.
            o.ConsumerStopTimeout = TimeSpan.FromSeconds(5);
        });

        builder.Services.AddMassTransit(x =>
        {
            // MassTransit 8.5 otherwise reports usage to its vendor over the internet; a serving layer must not.
            x.DisableUsageTelemetry();
            foreach (var register in registrations.Registrations)
            {
                register(x);
            }

            if (options.Transport == BusTransport.InMemory)
            {
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                    ConfigureEndpoints(context, cfg, registrations);
                });
            }
            else
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(options.RabbitMqUri), h => h.Heartbeat(TimeSpan.FromSeconds(options.HeartbeatSeconds)));
                    cfg.ConcurrentMessageLimit = options.ConcurrentMessageLimit;

                    // Pipeline messages are transient: a lost chunk, heartbeat or command is recovered by the gateway
                    // (stall detection and failover), so the broker need not write them to disk. Jobs and their
                    // results (Suite.Contracts.Jobs) stay persistent: they are what must survive a broker restart.
                    cfg.ConfigureSend(s => s.UseExecute(send => send.Durable = IsDurable(send)));
                    cfg.ConfigurePublish(p => p.UseExecute(publish => publish.Durable = IsDurable(publish)));
                    ConfigureEndpoints(context, cfg, registrations);
                });
            }
        });
        return builder;
    }

    /// <summary>
    /// The request pipeline: the same endpoints and dispatcher on either transport. The transport is a hosted service
    /// registered before MassTransit's, so it is consuming before the host reports started and no heartbeat advertises
    /// a queue that does not exist yet.
    /// </summary>
    private static void AddPipeline(IServiceCollection services, BusOptions options, IReadOnlyList<PipelineEndpoint> endpoints)
    {
        services.AddSingleton<PipelineDispatcher>();
        services.AddSingleton<IPipelineSender, PipelineSender>();
        if (options.Transport == BusTransport.RabbitMq)
        {
            services.AddSingleton(sp => new RabbitMqPipelineTransport(options, endpoints, new Lazy<PipelineDispatcher>(sp.GetRequiredService<PipelineDispatcher>), sp.GetRequiredService<ILogger<RabbitMqPipelineTransport>>()));
            services.AddSingleton<IPipelineTransport>(sp => sp.GetRequiredService<RabbitMqPipelineTransport>());
            services.AddHostedService(sp => sp.GetRequiredService<RabbitMqPipelineTransport>());
        }
        else
        {
            services.AddSingleton(sp => new InMemoryPipelineTransport(endpoints, new Lazy<PipelineDispatcher>(sp.GetRequiredService<PipelineDispatcher>), sp.GetRequiredService<ILogger<InMemoryPipelineTransport>>()));
            services.AddSingleton<IPipelineTransport>(sp => sp.GetRequiredService<InMemoryPipelineTransport>());
            services.AddHostedService(sp => sp.GetRequiredService<InMemoryPipelineTransport>());
        }
    }

    private static bool IsDurable(SendContext context)
        => context.Durable && context.SupportedMessageTypes.Any(t => t.StartsWith("urn:message:Suite.Contracts.Jobs:", StringComparison.Ordinal));

    private static void ConfigureEndpoints(IBusRegistrationContext context, IBusFactoryConfigurator cfg, SuiteBusRegistrations registrations)
    {
        foreach (var endpoint in registrations.Endpoints)
        {
            endpoint(context, cfg);
        }
    }
}

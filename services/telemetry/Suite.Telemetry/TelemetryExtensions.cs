using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Suite.Contracts;
using Suite.ServiceDefaults.Bus;
using Suite.ServiceDefaults.Configuration;
using Suite.Telemetry.Consumers;
using Suite.Telemetry.Dashboard;
using Suite.Telemetry.Metrics;

namespace Suite.Telemetry;

/// <summary>Composes the telemetry service into a host.</summary>
public static class TelemetryExtensions
{
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SuiteMetrics>();
        builder.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FleetTimeSeries>();
        builder.Services.AddHostedService<DashboardSampler>();
        builder.AddServiceHeartbeat("telemetry");
        builder.SuiteBus()
            .Register(x =>
            {
                x.AddConsumer<TelemetryConsumer>();
                x.AddConsumer<TelemetryWorkerConsumer>();
            })
            .InstanceEndpoint(QueueNames.Telemetry, (context, e) => e.ConfigureConsumer<TelemetryWorkerConsumer>(context))
            .Endpoint((context, cfg) => cfg.ReceiveEndpoint(QueueNames.Telemetry, e => e.ConfigureConsumer<TelemetryConsumer>(context)));
        return builder;
    }
}

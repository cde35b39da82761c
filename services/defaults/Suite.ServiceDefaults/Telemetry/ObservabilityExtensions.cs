using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Suite.ServiceDefaults.Telemetry;

/// <summary>
/// Traces and GenAI metrics with the OpenTelemetry .NET SDK, exported over OTLP when the standard variables say where
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or the per-signal <c>..._TRACES_ENDPOINT</c> / <c>..._METRICS_ENDPOINT</c>;
/// protocol from <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>). With none set nothing is collected or exported, and no span is
/// even created: the suite's activity sources have no listener. <c>OTEL_TRACES_SAMPLER</c> and its argument choose the
/// sampler (parent-based, always on by default). <c>Suite__Tracing__Enabled=true</c> turns tracing on without an OTLP
/// endpoint, for an exporter added in code (tests use an in-memory one).
/// </summary>
public static class ObservabilityExtensions
{
    /// <summary>Every activity source and meter of the suite, and MassTransit's (jobs, heartbeats, cancellations).</summary>
    public static readonly string[] Sources =
    [
        "Suite.Gateway", "Suite.Pipeline", "Suite.Tokenizer", "Suite.Router", "Suite.ModelWorker", "Suite.Telemetry", "MassTransit",
    ];

    public static IHostApplicationBuilder AddSuiteObservability(this IHostApplicationBuilder builder, string serviceName)
    {
        var configuration = builder.Configuration;
        var tracesEndpoint = Setting(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? Setting(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT");
        var metricsEndpoint = Setting(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") ?? Setting(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT");
        var tracing = tracesEndpoint is not null || configuration.GetValue<bool>("Suite:Tracing:Enabled");
        if (!tracing && metricsEndpoint is null)
        {
            return builder;
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(Setting(configuration, "OTEL_SERVICE_NAME") ?? serviceName, serviceInstanceId: Bus.SuiteBusRegistrations.InstanceId));
        if (tracing)
        {
            otel.WithTracing(traces =>
            {
                traces.AddSource(Sources)
                    .SetSampler(Sampler(configuration))
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation();
                if (tracesEndpoint is not null)
                {
                    traces.AddOtlpExporter();
                }
            });
        }

        if (metricsEndpoint is not null)
        {
            otel.WithMetrics(metrics => metrics.AddMeter(Sources).AddOtlpExporter());
        }

        return builder;
    }

    private static string? Setting(IConfiguration configuration, string name) => configuration[name] is { Length: > 0 } value ? value : null;

    /// <summary>The sampler the standard variables name; parent-based always-on when they name none.</summary>
    private static Sampler Sampler(IConfiguration configuration)
    {
        var ratio = double.TryParse(configuration["OTEL_TRACES_SAMPLER_ARG"], NumberStyles.Float, CultureInfo.InvariantCulture, out var arg) ? Math.Clamp(arg, 0, 1) : 1.0;
        return configuration["OTEL_TRACES_SAMPLER"]?.Trim().ToLowerInvariant() switch
        {
            "always_on" => new AlwaysOnSampler(),
            "always_off" => new AlwaysOffSampler(),
            "traceidratio" => new TraceIdRatioBasedSampler(ratio),
            "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
            "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)),
            _ => new ParentBasedSampler(new AlwaysOnSampler()),
        };
    }
}

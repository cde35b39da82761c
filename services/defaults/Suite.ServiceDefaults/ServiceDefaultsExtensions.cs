using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Suite.ServiceDefaults;

/// <summary>
/// What every service host shares: one-line console logs, a bounded shutdown, a loopback default address, and traces
/// and metrics over OTLP when configured (<see cref="Telemetry.ObservabilityExtensions"/>).
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// <paramref name="serviceName"/> is the OpenTelemetry <c>service.name</c> (unless <c>OTEL_SERVICE_NAME</c> says
    /// otherwise); <paramref name="defaultUrl"/> the address a host listens on when neither ASPNETCORE_URLS nor --urls
    /// says otherwise.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName, string defaultUrl)
    {
        Telemetry.ObservabilityExtensions.AddSuiteObservability(builder, serviceName);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Quiet defaults for chatty categories; Logging__LogLevel__<category> still overrides each.
        foreach (var category in (ReadOnlySpan<string>)["MassTransit", "Microsoft.AspNetCore", "llama.cpp"])
        {
            if (string.IsNullOrEmpty(builder.Configuration[$"Logging:LogLevel:{category}"]))
            {
                builder.Logging.AddFilter(category, LogLevel.Warning);
            }
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        if (builder is Microsoft.AspNetCore.Builder.WebApplicationBuilder web && string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            web.WebHost.UseUrls(defaultUrl);
        }

        return builder;
    }
}

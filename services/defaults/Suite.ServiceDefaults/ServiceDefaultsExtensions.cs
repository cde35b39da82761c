using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Suite.ServiceDefaults;

/// <summary>What every service host shares: one-line console logs, a bounded shutdown, loopback default address.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The address a host listens on when neither ASPNETCORE_URLS nor --urls says otherwise.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string defaultUrl)
    {
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("llama.cpp", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        if (builder is Microsoft.AspNetCore.Builder.WebApplicationBuilder web && string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            web.WebHost.UseUrls(defaultUrl);
        }

        return builder;
    }
}

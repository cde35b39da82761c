using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace Suite.Gateway;

/// <summary>
/// In distributed mode the telemetry service runs in its own process; the gateway forwards <c>/metrics</c>,
/// <c>/v1/telemetry/*</c> and the dashboard page (<c>/dashboard</c>, its assets under <c>/dashboard/*</c>) to it with
/// YARP, so operators keep one address.
/// </summary>
public static class TelemetryProxy
{
    public static IServiceCollection AddTelemetryProxy(this IServiceCollection services, string telemetryUrl)
    {
        RouteConfig[] routes =
        [
            new() { RouteId = "metrics", ClusterId = "telemetry", Match = new RouteMatch { Path = "/metrics" } },
            new() { RouteId = "telemetry-api", ClusterId = "telemetry", Match = new RouteMatch { Path = "/v1/telemetry/{**rest}" } },
            new() { RouteId = "dashboard", ClusterId = "telemetry", Match = new RouteMatch { Path = "/dashboard" } },
            new() { RouteId = "dashboard-assets", ClusterId = "telemetry", Match = new RouteMatch { Path = "/dashboard/{**rest}" } },
        ];
        ClusterConfig[] clusters =
        [
            new()
            {
                ClusterId = "telemetry",
                Destinations = new Dictionary<string, DestinationConfig> { ["telemetry"] = new() { Address = telemetryUrl } },
            },
        ];
        services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return services;
    }
}

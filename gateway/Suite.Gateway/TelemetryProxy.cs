using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace Suite.Gateway;

/// <summary>
/// In distributed mode the telemetry service runs in its own process; the gateway forwards <c>/metrics</c> and
/// <c>/v1/telemetry/*</c> to it with YARP, so operators keep one address.
/// </summary>
public static class TelemetryProxy
{
    public static IServiceCollection AddTelemetryProxy(this IServiceCollection services, string telemetryUrl)
    {
        RouteConfig[] routes =
        [
            new() { RouteId = "metrics", ClusterId = "telemetry", Match = new RouteMatch { Path = "/metrics" } },
            new() { RouteId = "telemetry-api", ClusterId = "telemetry", Match = new RouteMatch { Path = "/v1/telemetry/{**rest}" } },
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

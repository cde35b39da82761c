using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suite.Telemetry.Metrics;

namespace Suite.Telemetry.Apis;

/// <summary>HTTP surface of telemetry: Prometheus text and the per-backend comparison as data.</summary>
public static class TelemetryApi
{
    public static IEndpointRouteBuilder MapTelemetryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (SuiteMetrics metrics) => Results.Text(metrics.Render(), PrometheusText.ContentType));
        app.MapGet("/v1/telemetry/backends", (SuiteMetrics metrics) => Results.Json(BackendComparison.Build(metrics)));
        return app;
    }
}

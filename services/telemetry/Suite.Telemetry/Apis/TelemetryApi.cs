using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suite.Telemetry.Dashboard;
using Suite.Telemetry.Metrics;

namespace Suite.Telemetry.Apis;

/// <summary>HTTP surface of telemetry: Prometheus text, the per-backend comparison as data, and the dashboard page.</summary>
public static class TelemetryApi
{
    public static IEndpointRouteBuilder MapTelemetryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (HttpContext context, SuiteMetrics metrics) =>
        {
            context.Response.ContentType = SuiteMetrics.ContentType;
            await metrics.WriteAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/v1/telemetry/backends", (SuiteMetrics metrics) => Results.Json(BackendComparison.Build(metrics)));
        app.MapDashboardApi();
        return app;
    }
}

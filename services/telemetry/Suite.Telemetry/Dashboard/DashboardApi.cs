using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Suite.Telemetry.Dashboard;

/// <summary>
/// <c>GET /dashboard</c>: the live per-hardware comparison page; <c>GET /v1/telemetry/dashboard</c>: the data it draws.
/// The JSON is snake_case in every host (the gateway's own JSON settings do not apply to it).
/// </summary>
public static class DashboardApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/telemetry/dashboard", (FleetTimeSeries series) => Results.Json(series.Snapshot(), Json));
        app.MapGet("/dashboard", () => Asset("index.html"));
        app.MapGet("/dashboard/{**path}", (string? path) => Asset(string.IsNullOrEmpty(path) ? "index.html" : path));
        return app;
    }

    private static IResult Asset(string name)
    {
        if (!DashboardAssets.TryGet(name, out var content, out var contentType))
        {
            return Results.NotFound();
        }

        return Results.Bytes(content, contentType);
    }
}

using System.Diagnostics;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suite.Contracts;
using Suite.Gateway.Models;
using Suite.Gateway.OpenAi;

namespace Suite.Gateway.Health;

/// <summary>
/// <c>GET /health</c>: asks every service over the bus (in one process or many) and lists the live workers.
/// 200 when tokenizer, router and telemetry answer and at least one worker is up; 503 otherwise.
/// </summary>
public static class HealthApi
{
    private static readonly string[] Services = [QueueNames.Tokenizer, QueueNames.Router, QueueNames.Telemetry];

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", CheckAsync);
        return app;
    }

    private static async Task<IResult> CheckAsync(HttpContext context, IClientFactory clients, ModelDirectory models, ConcurrencyGate gate)
    {
        var started = Stopwatch.GetTimestamp();
        var probes = Services.Select(queue => ProbeAsync(clients, queue, context.RequestAborted)).ToArray();
        var workersTask = WorkersAsync(models, context.RequestAborted);
        var reports = await Task.WhenAll(probes).ConfigureAwait(false);
        var workers = await workersTask.ConfigureAwait(false);
        var services = new Dictionary<string, object>
        {
            ["gateway"] = new ServiceState("healthy", new Dictionary<string, string> { ["in_flight"] = gate.InFlight.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        };
        foreach (var (queue, report) in Services.Zip(reports))
        {
            services[queue.Replace("suite-", string.Empty, StringComparison.Ordinal)] = report;
        }

        var healthy = reports.All(r => r.Status != "unhealthy") && workers.Count > 0;
        var body = new HealthBody(healthy ? "healthy" : "unhealthy", services, workers, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return Results.Json(body, statusCode: healthy ? 200 : 503);
    }

    private static async Task<ServiceState> ProbeAsync(IClientFactory clients, string queue, CancellationToken cancellationToken)
    {
        try
        {
            var client = clients.CreateRequestClient<HealthProbe>(QueueNames.Address(queue), RequestTimeout.After(s: 2));
            var response = await client.GetResponse<HealthReported>(new HealthProbe(DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
            return new ServiceState(response.Message.Status, response.Message.Details);
        }
        catch (RequestTimeoutException)
        {
            return new ServiceState("unhealthy", new Dictionary<string, string> { ["error"] = "no answer within 2 s" });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ServiceState("unhealthy", new Dictionary<string, string> { ["error"] = e.Message });
        }
    }

    private static async Task<List<WorkerStatus>> WorkersAsync(ModelDirectory models, CancellationToken cancellationToken)
    {
        try
        {
            var listed = await models.GetAsync(includeWorkers: true, cancellationToken).ConfigureAwait(false);
            return listed.Models.SelectMany(m => m.Workers).ToList();
        }
        catch (RequestTimeoutException)
        {
            return [];
        }
    }

    private sealed record ServiceState(string Status, IReadOnlyDictionary<string, string> Details);

    private sealed record HealthBody(string Status, Dictionary<string, object> Services, List<WorkerStatus> Workers, double CheckMilliseconds);
}

using System.Diagnostics;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Gateway.Limits;
using Suite.Gateway.Models;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Health;

/// <summary>
/// <c>GET /health</c>: asks every service over the bus (in one process or many) and lists the live workers.
/// 200 when tokenizer, router and telemetry answer and at least one worker is up; 503 otherwise. Without keys
/// configured, or to a caller with a valid API key or the admin credential, it is the detailed report (services,
/// workers and their devices and queues, the limit store and its failure policy); to anyone else only the status.
/// <c>GET /health/live</c>: 200 while the process serves HTTP, whatever the fleet does (a liveness probe).
/// </summary>
public static class HealthApi
{
    private static readonly string[] Services = [QueueNames.Tokenizer, QueueNames.Router, QueueNames.Telemetry];

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", CheckAsync);
        app.MapGet("/health/live", () => Results.Json(new StatusBody("alive")));
        return app;
    }

    private static async Task<IResult> CheckAsync(HttpContext context, IClientFactory clients, ModelDirectory models, ConcurrencyGate gate, ITenantDirectory directory, IOptions<TenancyOptions> tenancy, LimitGate limits, ITenantStore store, FairAdmission admission)
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
        var status = healthy ? "healthy" : "unhealthy";
        if (!await MaySeeDetailsAsync(context, directory, tenancy.Value).ConfigureAwait(false))
        {
            return Results.Json(new StatusBody(status), statusCode: healthy ? 200 : 503);
        }

        var body = new HealthBody(status, services, workers, new TenancyState(store.Kind, directory.KeysRequired, limits.Health, admission.Snapshot()), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return Results.Json(body, statusCode: healthy ? 200 : 503);
    }

    private static async Task<bool> MaySeeDetailsAsync(HttpContext context, ITenantDirectory directory, TenancyOptions tenancy)
    {
        if (!directory.KeysRequired)
        {
            return true;
        }

        var token = ApiKeyMiddleware.BearerToken(context.Request);
        if (token is null)
        {
            return false;
        }

        if (tenancy.AdminKey is { Length: > 0 } admin
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(ApiKeySecrets.Hash(token), ApiKeySecrets.Hash(admin)))
        {
            return true;
        }

        return (await directory.AuthenticateAsync(token, context.RequestAborted).ConfigureAwait(false)).Caller is not null;
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

    private sealed record StatusBody(string Status);

    private sealed record TenancyState(string TenantStore, bool KeysRequired, LimitStoreHealth Limits, IReadOnlyList<AdmissionSnapshot> Admission);

    private sealed record HealthBody(string Status, Dictionary<string, object> Services, List<WorkerStatus> Workers, TenancyState Tenancy, double CheckMilliseconds);
}

using System.Diagnostics;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Suite.Contracts;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Edge;

/// <summary>
/// Publishes a <see cref="RequestCompleted"/> for every request the edge refuses before a generation session exists
/// (malformed or unauthorised requests, unknown routes, limits, sizes), so telemetry's error counters see every
/// refusal, not only the pipeline's. A request that started a session is recorded by its session. The model is not
/// named (a client-chosen string would make the metric's labels unbounded).
/// </summary>
public sealed class EdgeRecorder(RequestDelegate next, IBus bus)
{
    private static readonly object ItemKey = new();

    /// <summary>The request has a session, which records it.</summary>
    public static void Recorded(HttpContext context) => context.Items[ItemKey] = true;

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        await next(context).ConfigureAwait(false);
        var status = context.Response.StatusCode;
        if (status < 400 || context.Items.ContainsKey(ItemKey) || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var caller = context.Features.Get<Caller>();
        _ = bus.Publish(new RequestCompleted(
            Guid.NewGuid(),
            string.Empty,
            string.Empty,
            string.Empty,
            context.GetEndpoint() is null ? "(none)" : context.Request.Path.Value ?? string.Empty,
            status,
            null,
            0,
            0,
            null,
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            0,
            0,
            0,
            [],
            DateTimeOffset.UtcNow,
            Tenant: caller is null || caller.IsAnonymous ? null : caller.TenantId,
            KeyId: caller?.KeyId));
    }
}

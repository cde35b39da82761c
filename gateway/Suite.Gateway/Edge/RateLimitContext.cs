using Microsoft.AspNetCore.Http;
using Suite.Gateway.Limits;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Edge;

/// <summary>
/// Puts OpenAI's <c>x-ratelimit-*</c> headers on every response to a caller with per-minute limits: the figures of
/// the request's own admission when it had one, else the counters as they stand (read without charging anything).
/// </summary>
public sealed class RateLimitContext
{
    private static readonly object ItemKey = new();
    private Func<RateLimitSnapshot?>? _admission;

    public static RateLimitContext? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var value) ? value as RateLimitContext : null;

    /// <summary>The request went through admission: its figures are the ones to send.</summary>
    public void FromAdmission(Func<RateLimitSnapshot?> snapshot) => _admission = snapshot;

    internal static void Attach(HttpContext context, Caller caller, LimitGate limits)
    {
        var holder = new RateLimitContext();
        context.Items[ItemKey] = holder;
        context.Response.OnStarting(async () =>
        {
            var snapshot = holder._admission is { } admission ? admission() : await limits.PeekAsync(caller, context.RequestAborted).ConfigureAwait(false);
            if (snapshot is not null)
            {
                RateLimitHeaders.Write(context.Response.Headers, snapshot);
            }
        });
    }
}

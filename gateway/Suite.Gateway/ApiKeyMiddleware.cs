using Microsoft.AspNetCore.Http;
using Suite.Gateway.Edge;
using Suite.Gateway.Limits;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway;

/// <summary>
/// Finds out who a request is from. With keys configured (<c>Gateway__ApiKeys</c>, or tenants' keys once an admin
/// credential is set), every path but <c>/health</c> and <c>/admin</c> (which checks its own credential) needs
/// <c>Authorization: Bearer &lt;key&gt;</c>: an unknown, revoked or expired key gets OpenAI's 401. The caller is kept on
/// the request for the handlers, and a caller with per-minute limits gets <c>x-ratelimit-*</c> headers on every response.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ITenantDirectory directory, LimitGate limits)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/admin"))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var resolution = await directory.AuthenticateAsync(BearerToken(context.Request), context.RequestAborted).ConfigureAwait(false);
        if (resolution.Caller is not { } caller)
        {
            await ErrorWriter.WriteAsync(context, resolution.Error!).ConfigureAwait(false);
            return;
        }

        context.SetCaller(caller);
        if (caller.HasLimits)
        {
            RateLimitContext.Attach(context, caller, limits);
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or null.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}

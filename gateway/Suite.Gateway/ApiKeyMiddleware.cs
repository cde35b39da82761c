using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Suite.Gateway.OpenAi;

using Suite.Contracts;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway;

/// <summary>When API keys are configured, every request except <c>/health</c> needs <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    private readonly HashSet<string> _keys = new(options.Value.ApiKeys.Where(k => k.Length > 0), StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        if (_keys.Count == 0 || context.Request.Path.StartsWithSegments("/health"))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && _keys.Contains(header[7..].Trim()))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        await ErrorWriter.WriteAsync(context, PipelineErrors.Unauthorized("Incorrect API key provided. Send 'Authorization: Bearer <key>'.")).ConfigureAwait(false);
    }
}

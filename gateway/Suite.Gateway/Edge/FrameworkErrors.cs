using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Suite.Contracts;
using Suite.Gateway.OpenAi;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Edge;

/// <summary>
/// Errors the framework answers without a body (no route: 404; a route without that method: 405; anything else
/// bodiless) get OpenAI's error shape, as every error of the API does.
/// </summary>
public static class FrameworkErrors
{
    public static IApplicationBuilder UseOpenAiErrorBodies(this IApplicationBuilder app)
        => app.UseStatusCodePages(context => ErrorWriter.WriteAsync(context.HttpContext, For(context.HttpContext.Response.StatusCode, context.HttpContext.Request.Method, context.HttpContext.Request.Path)));

    /// <summary>The error for a bare status (also what Kestrel's own bodiless refusals are given, with no request to name).</summary>
    public static PipelineError For(int status, string? method = null, string? path = null) => status switch
    {
        404 when method is not null => PipelineErrors.UnknownUrl(method, path ?? string.Empty),
        404 => PipelineErrors.Http(404, "Invalid URL.", "unknown_url"),
        405 when method is not null => PipelineErrors.MethodNotAllowed(method, path ?? string.Empty),
        405 => PipelineErrors.Http(405, "Method not allowed.", "method_not_allowed"),
        408 => PipelineErrors.Http(408, "The request did not arrive in time.", "request_timeout"),
        411 => PipelineErrors.Http(411, "A request body needs a Content-Length or chunked Transfer-Encoding.", "length_required"),
        413 => PipelineErrors.Http(413, "The request is larger than this gateway accepts.", "request_too_large"),
        414 => PipelineErrors.Http(414, "The request URL is longer than this gateway accepts.", "url_too_long"),
        431 => PipelineErrors.Http(431, "The request headers are larger than this gateway accepts.", "headers_too_large"),
        400 => PipelineErrors.Http(400, "The request is not valid HTTP (a malformed request line, header or body framing).", "malformed_request"),
        _ => PipelineErrors.Http(status, ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } reason ? reason + "." : $"HTTP {status}.", $"http_{status}"),
    };
}

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.OpenAi;

/// <summary>
/// An unknown path or method under <c>/v1</c> answers in OpenAI's error shape (404 or 405 with a JSON body), as
/// OpenAI's API does, instead of the framework's empty body. Used through ASP.NET Core's status-code pages, which act
/// only on a response that has no body yet, so every answer a handler wrote stays as it is.
/// </summary>
internal static class UnknownRoutes
{
    public static Task WriteAsync(StatusCodeContext status)
    {
        var http = status.HttpContext;
        if (!http.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        var error = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => PipelineErrors.UnknownUrl(http.Request.Method, http.Request.Path),
            StatusCodes.Status405MethodNotAllowed => PipelineErrors.MethodNotAllowed(http.Request.Method, http.Request.Path),
            _ => null,
        };
        return error is null ? Task.CompletedTask : ErrorWriter.WriteAsync(http, error);
    }
}

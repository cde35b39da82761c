using System.Text.Json;
using Microsoft.AspNetCore.Http;

using Suite.Contracts;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.OpenAi;

/// <summary>Reads a JSON request body, turning malformed JSON into OpenAI's 400.</summary>
public static class RequestBody
{
    public static async Task<(JsonElement Body, PipelineError? Error)> ReadAsync(HttpContext context)
    {
        if (context.Request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return (default, PipelineErrors.Invalid($"Unsupported content type '{type}': send application/json.", null, "invalid_content_type"));
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, PipelineErrors.Invalid($"We could not parse the JSON body of your request. ({e.Message}) The OpenAI API expects a JSON payload.", null, "invalid_json"));
        }
        catch (BadHttpRequestException e)
        {
            return (default, new PipelineError(e.StatusCode, ErrorTypes.InvalidRequest, e.Message, null, "bad_request"));
        }
    }
}

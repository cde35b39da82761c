using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Suite.Contracts;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.OpenAi;

/// <summary>
/// Reads a JSON request body. Only <c>application/json</c> is taken (with any parameters; a missing or other content
/// type is 415), so a web page cannot fire requests at the API as a "simple" cross-site form post. Malformed JSON is
/// 400, a body over <c>Gateway__MaxRequestBodyBytes</c> 413, and a body whose framing is broken (a bad chunk) 400: every
/// refusal in OpenAI's shape.
/// </summary>
public static class RequestBody
{
    public static async Task<(JsonElement Body, PipelineError? Error)> ReadAsync(HttpContext context)
    {
        if (!IsJson(context.Request.ContentType))
        {
            return (default, PipelineErrors.UnsupportedMediaType(context.Request.ContentType));
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, PipelineErrors.InvalidJson(e.Message));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, PipelineErrors.PayloadTooLarge(context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0));
        }
        catch (BadHttpRequestException e)
        {
            return (default, new PipelineError(e.StatusCode, ErrorTypes.InvalidRequest, $"The request body could not be read: {e.Message}", null, "bad_request"));
        }
        catch (IOException e)
        {
            // Kestrel reports a body it cannot decode (e.g. an impossible chunk size) as an IOException.
            return (default, PipelineErrors.Invalid($"The request body could not be read: {e.Message}", null, "malformed_body"));
        }
    }

    /// <summary><c>application/json</c>, with or without parameters such as <c>charset=utf-8</c>.</summary>
    public static bool IsJson(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
}

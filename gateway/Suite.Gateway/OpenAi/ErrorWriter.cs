using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

using Suite.Contracts;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.OpenAi;

/// <summary>Writes <see cref="PipelineError"/> responses.</summary>
public static class ErrorWriter
{
    public static async Task WriteAsync(HttpContext context, PipelineError error)
    {
        var response = context.Response;
        response.StatusCode = error.StatusCode;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } retry)
        {
            response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        }

        await using var json = JsonOutput.Create(response.Body);
        WriteBody(json, error);
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static void WriteBody(Utf8JsonWriter json, PipelineError error)
    {
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", error.Message);
        json.WriteString("type", error.Type);
        WriteNullable(json, "param", error.Param);
        WriteNullable(json, "code", error.Code);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}

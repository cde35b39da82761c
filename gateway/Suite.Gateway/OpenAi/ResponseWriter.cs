using System.Text.Json;
using Suite.Contracts;

using Suite.Gateway.Sessions;

namespace Suite.Gateway.OpenAi;

/// <summary>Writes OpenAI-shaped completion objects and stream chunks for chat and text completions.</summary>
public sealed class ResponseWriter(GenerationKind kind, string id, long created, string model)
{
    public string Id { get; } = id;

    public static ResponseWriter For(GenerationKind kind, string model)
    {
        var id = (kind == GenerationKind.ChatCompletion ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        return new ResponseWriter(kind, id, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), model);
    }

    public static string FinishReasonText(FinishReason reason) => reason == FinishReason.Length ? "length" : "stop";

    /// <summary>A stream chunk. <paramref name="usage"/>: write <c>"usage": null</c> (false/null) when include_usage is on.</summary>
    public void WriteChunk(Utf8JsonWriter json, string? text, bool withRole, string? finishReason, bool includeUsageField)
    {
        json.WriteStartObject();
        WriteHeader(json, kind == GenerationKind.ChatCompletion ? "chat.completion.chunk" : "text_completion");
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        if (kind == GenerationKind.ChatCompletion)
        {
            json.WriteStartObject("delta");
            if (withRole)
            {
                json.WriteString("role", "assistant");
            }

            if (text is not null)
            {
                json.WriteString("content", text);
            }

            json.WriteEndObject();
        }
        else
        {
            json.WriteString("text", text ?? string.Empty);
        }

        json.WriteNull("logprobs");
        WriteFinish(json, finishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        if (includeUsageField)
        {
            json.WriteNull("usage");
        }

        json.WriteEndObject();
    }

    /// <summary>The last chunk of a stream with include_usage: no choices, only usage.</summary>
    public void WriteUsageChunk(Utf8JsonWriter json, int promptTokens, int completionTokens, int cachedTokens = 0)
    {
        json.WriteStartObject();
        WriteHeader(json, kind == GenerationKind.ChatCompletion ? "chat.completion.chunk" : "text_completion");
        json.WriteStartArray("choices");
        json.WriteEndArray();
        WriteUsage(json, promptTokens, completionTokens, cachedTokens);
        json.WriteEndObject();
    }

    /// <summary>A whole (non-streamed) response.</summary>
    public void WriteComplete(Utf8JsonWriter json, string text, string finishReason, int promptTokens, int completionTokens, int cachedTokens = 0)
    {
        json.WriteStartObject();
        WriteHeader(json, kind == GenerationKind.ChatCompletion ? "chat.completion" : "text_completion");
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        if (kind == GenerationKind.ChatCompletion)
        {
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            json.WriteString("content", text);
            json.WriteNull("refusal");
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("text", text);
        }

        json.WriteNull("logprobs");
        json.WriteString("finish_reason", finishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        WriteUsage(json, promptTokens, completionTokens, cachedTokens);
        json.WriteEndObject();
    }

    private void WriteHeader(Utf8JsonWriter json, string objectName)
    {
        json.WriteString("id", Id);
        json.WriteString("object", objectName);
        json.WriteNumber("created", created);
        json.WriteString("model", model);
        json.WriteNull("system_fingerprint");
    }

    private static void WriteFinish(Utf8JsonWriter json, string? finishReason)
    {
        if (finishReason is null)
        {
            json.WriteNull("finish_reason");
        }
        else
        {
            json.WriteString("finish_reason", finishReason);
        }
    }

    private static void WriteUsage(Utf8JsonWriter json, int promptTokens, int completionTokens, int cachedTokens)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", promptTokens);
        json.WriteNumber("completion_tokens", completionTokens);
        json.WriteNumber("total_tokens", promptTokens + completionTokens);

        // OpenAI's field: prompt tokens the worker took from its prefix cache.
        json.WriteStartObject("prompt_tokens_details");
        json.WriteNumber("cached_tokens", cachedTokens);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}

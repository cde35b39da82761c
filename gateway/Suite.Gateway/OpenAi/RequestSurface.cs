using System.Text.Json;
using Suite.Gateway.Sessions;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.OpenAi;

/// <summary>
/// The OpenAI request fields the suite does not serve (yet) but that change what an answer means: each is refused with
/// a 400 naming it, never accepted and ignored (a client that asked for JSON must not get free text). Fields that do
/// not change the answer (<c>user</c>, <c>metadata</c>, <c>store</c>, <c>service_tier</c>) are checked for their type
/// and accepted. The README's "Request fields" table lists every field and its status.
/// </summary>
internal static class RequestSurface
{
    private static readonly string[] ServiceTiers = ["auto", "default", "flex", "scale", "priority"];
    private static readonly string[] ReasoningEfforts = ["minimal", "low", "medium", "high"];

    public static void Check(JsonElement body, GenerationKind kind)
    {
        CheckResponseFormat(body);
        CheckLogitBias(body);
        if (kind == GenerationKind.ChatCompletion)
        {
            CheckTools(body);
            Refuse(body, "functions", "Function calling with the legacy 'functions' field is not supported yet.");
            Refuse(body, "function_call", "Function calling with the legacy 'function_call' field is not supported yet.");
            Refuse(body, "audio", "Audio output is not supported: the served models produce text only.");
            Refuse(body, "prediction", "Predicted outputs ('prediction') are not supported.");
            Refuse(body, "web_search_options", "Web search ('web_search_options') is not supported.");
            CheckModalities(body);
            CheckReasoningEffort(body);
        }

        if (Present(body, "top_logprobs", out _))
        {
            throw Fail("top_logprobs is not supported yet (log probabilities are not returned).", "top_logprobs", "unsupported_value");
        }

        CheckMinP(body);
        Optional(body, "user", JsonValueKind.String, "a string");
        Optional(body, "metadata", JsonValueKind.Object, "an object");
        if (Present(body, "store", out var store) && store.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw Fail($"Invalid type for 'store': expected a boolean, but got {RequestParser.Describe(store)} instead.", "store", "invalid_type");
        }

        if (Present(body, "service_tier", out var tier) && (tier.ValueKind != JsonValueKind.String || !ServiceTiers.Contains(tier.GetString())))
        {
            throw Fail($"Invalid value for 'service_tier': expected one of {string.Join(", ", ServiceTiers.Select(t => $"'{t}'"))}.", "service_tier", "invalid_value");
        }
    }

    private static void CheckResponseFormat(JsonElement body)
    {
        if (!Present(body, "response_format", out var format))
        {
            return;
        }

        if (format.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"Invalid type for 'response_format': expected an object, but got {RequestParser.Describe(format)} instead.", "response_format", "invalid_type");
        }

        if (!format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw Fail("Missing required parameter: 'response_format.type'.", "response_format.type", "missing_required_parameter");
        }

        switch (type.GetString())
        {
            case "text":
                return;
            case "json_object" or "json_schema":
                throw Fail($"Structured output (response_format type '{type.GetString()}') is not supported yet; the request is refused rather than answered with unconstrained text.", "response_format.type", "unsupported_value");
            default:
                throw Fail($"Invalid value for 'response_format.type': expected one of 'text', 'json_object', 'json_schema', but got '{type.GetString()}'.", "response_format.type", "invalid_value");
        }
    }

    private static void CheckLogitBias(JsonElement body)
    {
        if (!Present(body, "logit_bias", out var bias))
        {
            return;
        }

        if (bias.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"Invalid type for 'logit_bias': expected an object, but got {RequestParser.Describe(bias)} instead.", "logit_bias", "invalid_type");
        }

        if (bias.EnumerateObject().Any())
        {
            throw Fail("logit_bias is not supported yet.", "logit_bias", "unsupported_value");
        }
    }

    /// <summary>Non-empty <c>tools</c> are refused by the parser; what depends on tools is refused without them, as OpenAI does.</summary>
    private static void CheckTools(JsonElement body)
    {
        var hasTools = body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
        if (hasTools)
        {
            return;
        }

        if (Present(body, "tool_choice", out var choice) && !(choice.ValueKind == JsonValueKind.String && choice.GetString() == "none"))
        {
            throw Fail("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", "tool_choice", "invalid_value");
        }

        if (Present(body, "parallel_tool_calls", out _))
        {
            throw Fail("Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.", "parallel_tool_calls", "invalid_value");
        }
    }

    private static void CheckModalities(JsonElement body)
    {
        if (!Present(body, "modalities", out var modalities))
        {
            return;
        }

        if (modalities.ValueKind != JsonValueKind.Array || modalities.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.String))
        {
            throw Fail($"Invalid type for 'modalities': expected an array of strings, but got {RequestParser.Describe(modalities)} instead.", "modalities", "invalid_type");
        }

        if (modalities.EnumerateArray().Any(m => m.GetString() != "text"))
        {
            throw Fail("Only the 'text' modality is supported: the served models produce text only.", "modalities", "unsupported_value");
        }
    }

    private static void CheckReasoningEffort(JsonElement body)
    {
        if (!Present(body, "reasoning_effort", out var effort))
        {
            return;
        }

        if (effort.ValueKind != JsonValueKind.String || !ReasoningEfforts.Contains(effort.GetString()))
        {
            throw Fail($"Invalid value for 'reasoning_effort': expected one of {string.Join(", ", ReasoningEfforts.Select(e => $"'{e}'"))}.", "reasoning_effort", "invalid_value");
        }

        throw Fail("reasoning_effort is not supported: the suite does not bound a model's reasoning.", "reasoning_effort", "unsupported_value");
    }

    private static void CheckMinP(JsonElement body)
    {
        if (!Present(body, "min_p", out var minP))
        {
            return;
        }

        if (minP.ValueKind != JsonValueKind.Number)
        {
            throw Fail($"Invalid type for 'min_p': expected a decimal, but got {RequestParser.Describe(minP)} instead.", "min_p", "invalid_type");
        }

        if (minP.GetDouble() != 0)
        {
            throw Fail("min_p sampling is not supported yet.", "min_p", "unsupported_value");
        }
    }

    private static void Refuse(JsonElement body, string name, string message)
    {
        if (Present(body, name, out _))
        {
            throw Fail(message, name, "unsupported_value");
        }
    }

    private static void Optional(JsonElement body, string name, JsonValueKind kind, string expected)
    {
        if (Present(body, name, out var value) && value.ValueKind != kind)
        {
            throw Fail($"Invalid type for '{name}': expected {expected}, but got {RequestParser.Describe(value)} instead.", name, "invalid_type");
        }
    }

    /// <summary>Present and not null: a null field is the same as an absent one, as in OpenAI's API.</summary>
    private static bool Present(JsonElement body, string name, out JsonElement value)
        => body.TryGetProperty(name, out value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    private static RequestValidationException Fail(string message, string? param, string? code)
        => new(PipelineErrors.Invalid(message, param, code));
}

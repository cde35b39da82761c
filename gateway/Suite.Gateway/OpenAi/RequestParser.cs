using System.Text.Json;
using Suite.Contracts;

using Suite.ServiceDefaults.Errors;

using Suite.Gateway.Sessions;

namespace Suite.Gateway.OpenAi;

/// <summary>
/// Parses and validates /v1/chat/completions and /v1/completions bodies. Every rejection names the parameter and
/// says what was expected, as OpenAI's API does.
/// </summary>
public static class RequestParser
{
    /// <summary>OpenAI's limit on the number of messages in one request.</summary>
    public const int MaxMessages = 2048;

    /// <summary>The longest stop string (UTF-16 units): the worker holds back that much text while it matches.</summary>
    public const int MaxStopLength = 512;

    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool" };

    public static (ParsedGeneration? Request, PipelineError? Error) Parse(JsonElement body, GenerationKind kind)
    {
        try
        {
            return (ParseCore(body, kind), null);
        }
        catch (RequestValidationException e)
        {
            return (null, e.Error);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("UTF-16", StringComparison.Ordinal))
        {
            return (null, PipelineErrors.LoneSurrogate(e.Message));
        }
    }

    private static ParsedGeneration ParseCore(JsonElement body, GenerationKind kind)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Fail("The request body must be a JSON object.", null);
        }

        var model = RequiredString(body, "model");
        GenerationInput input = kind == GenerationKind.ChatCompletion ? ParseMessages(body) : ParsePrompt(body);

        var n = OptionalInt(body, "n", min: 1, max: 128) ?? 1;
        if (n != 1)
        {
            throw Fail("Only n=1 is supported.", "n", "unsupported_value");
        }

        if (kind == GenerationKind.Completion)
        {
            if (OptionalInt(body, "best_of", min: 1, max: 128) is { } bestOf && bestOf != 1)
            {
                throw Fail("Only best_of=1 is supported.", "best_of", "unsupported_value");
            }

            if (OptionalBool(body, "echo") == true)
            {
                throw Fail("echo is not supported.", "echo", "unsupported_value");
            }

            if (body.TryGetProperty("suffix", out var suffix) && suffix.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                throw Fail("suffix is not supported.", "suffix", "unsupported_value");
            }
        }

        if (body.TryGetProperty("logprobs", out var logprobs) && logprobs.ValueKind is not (JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined))
        {
            throw Fail("logprobs are not supported yet.", "logprobs", "unsupported_value");
        }

        if (body.TryGetProperty("tools", out var tools) && tools.ValueKind != JsonValueKind.Null)
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                throw Fail($"Invalid type for 'tools': expected an array of tool objects, but got {Describe(tools)} instead.", "tools", "invalid_type");
            }

            if (tools.GetArrayLength() > 0)
            {
                throw Fail("Tool calling is not supported yet.", "tools", "unsupported_value");
            }
        }

        var (grammar, logitBias) = RequestSurface.Check(body, kind);

        // Both are validated whichever is used: a malformed one is an error even when the other is given.
        var maxCompletionTokens = OptionalInt(body, "max_completion_tokens", min: 1, max: int.MaxValue);
        var maxTokens = OptionalInt(body, "max_tokens", min: 1, max: int.MaxValue);
        maxTokens = maxCompletionTokens ?? maxTokens;
        var temperature = OptionalNumber(body, "temperature", 0, 2) ?? 1.0;
        var topP = OptionalNumber(body, "top_p", 0, 1) ?? 1.0;
        if (topP <= 0)
        {
            throw Fail("Invalid 'top_p': must be greater than 0 and at most 1.", "top_p", "invalid_value");
        }

        var topK = OptionalInt(body, "top_k", min: -1, max: int.MaxValue) ?? 0;
        var seed = OptionalLong(body, "seed");
        var frequencyPenalty = OptionalNumber(body, "frequency_penalty", -2, 2) ?? 0;
        var presencePenalty = OptionalNumber(body, "presence_penalty", -2, 2) ?? 0;
        var stop = ParseStop(body);
        var ignoreEos = OptionalBool(body, "ignore_eos") ?? false;
        var stream = OptionalBool(body, "stream") ?? false;
        var includeUsage = false;
        if (body.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind != JsonValueKind.Null)
        {
            if (!stream)
            {
                throw Fail("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options", "invalid_value");
            }

            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                throw Fail("Invalid type for 'stream_options': expected an object.", "stream_options", "invalid_type");
            }

            includeUsage = OptionalBool(streamOptions, "include_usage", "stream_options.include_usage") ?? false;
        }

        if (grammar is not null && ignoreEos)
        {
            // The grammar ends generation at its accepting state with the end-of-generation token, which ignore_eos forbids.
            throw Fail("ignore_eos cannot be combined with response_format json_object or json_schema: structured output ends with the end-of-generation token.", "ignore_eos", "invalid_value");
        }

        var priority = OptionalInt(body, "priority", min: -1000, max: 1000) ?? 0;
        var sampling = new SamplingParameters((float)temperature, (float)topP, Math.Max(0, topK), seed, (float)frequencyPenalty, (float)presencePenalty, grammar, logitBias);
        return new ParsedGeneration(new GenerationRequest(kind, model, input, sampling, new GenerationLimits(maxTokens, stop, ignoreEos), priority), stream, includeUsage);
    }

    private static GenerationInput ParseMessages(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw Fail("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw Fail("Invalid type for 'messages': expected an array of message objects.", "messages", "invalid_type");
        }

        if (messages.GetArrayLength() == 0)
        {
            throw Fail("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
        }

        if (messages.GetArrayLength() > MaxMessages)
        {
            throw Fail($"Invalid 'messages': array too long. Expected an array with maximum length {MaxMessages}, but got an array with length {messages.GetArrayLength()} instead.", "messages", "array_above_max_length");
        }

        var list = new List<ChatMessage>(messages.GetArrayLength());
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var path = $"messages[{i}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                throw Fail($"Invalid type for '{path}': expected an object.", path, "invalid_type");
            }

            if (!message.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
            {
                throw Fail($"Missing required parameter: '{path}.role'.", $"{path}.role", "missing_required_parameter");
            }

            var role = roleElement.GetString()!;
            if (!Roles.Contains(role))
            {
                throw Fail($"Invalid value: '{role}'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.", $"{path}.role", "invalid_value");
            }

            if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0)
            {
                throw Fail($"Tool calls in the conversation ('{path}.tool_calls') are not supported yet.", $"{path}.tool_calls", "unsupported_value");
            }

            if (message.TryGetProperty("function_call", out var call) && call.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                throw Fail($"Function calls in the conversation ('{path}.function_call') are not supported yet.", $"{path}.function_call", "unsupported_value");
            }

            // The chat template sees the participant's name and, on a tool message, the call it answers.
            list.Add(new ChatMessage(
                role == "developer" ? "system" : role,
                ParseContent(message, path, role),
                Name: OptionalString(message, "name", $"{path}.name"),
                ToolCallId: OptionalString(message, "tool_call_id", $"{path}.tool_call_id")));
            i++;
        }

        var addGenerationPrompt = OptionalBool(body, "add_generation_prompt") ?? true;
        return new GenerationInput(null, list, addGenerationPrompt);
    }

    private static string ParseContent(JsonElement message, string path, string role)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            if (role == "assistant")
            {
                return string.Empty;
            }

            throw Fail($"Missing required parameter: '{path}.content'.", $"{path}.content", "missing_required_parameter");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Fail($"Invalid type for '{path}.content': expected a string or an array of content parts.", $"{path}.content", "invalid_type");
        }

        var text = new System.Text.StringBuilder();
        var j = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}.content[{j++}]";
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Fail($"Invalid '{partPath}': expected an object with a 'type'.", partPath, "invalid_type");
            }

            if (type.GetString() != "text")
            {
                throw Fail($"Invalid '{partPath}.type': only 'text' content parts are supported, got '{type.GetString()}'.", $"{partPath}.type", "invalid_value");
            }

            if (!part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
            {
                throw Fail($"Missing required parameter: '{partPath}.text'.", $"{partPath}.text", "missing_required_parameter");
            }

            text.Append(partText.GetString());
        }

        return text.ToString();
    }

    private static GenerationInput ParsePrompt(JsonElement body)
    {
        if (!body.TryGetProperty("prompt", out var prompt) || prompt.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw Fail("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
        }

        var addSpecial = OptionalBool(body, "add_special_tokens") ?? true;
        switch (prompt.ValueKind)
        {
            case JsonValueKind.String:
                return new GenerationInput(prompt.GetString(), null, AddSpecialTokens: addSpecial);
            case JsonValueKind.Array when prompt.GetArrayLength() == 1 && prompt[0].ValueKind == JsonValueKind.String:
                return new GenerationInput(prompt[0].GetString(), null, AddSpecialTokens: addSpecial);
            case JsonValueKind.Array when prompt.GetArrayLength() > 0 && prompt.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number):
                return new GenerationInput(null, null, AddSpecialTokens: false, PromptTokens: ParseTokenArray(prompt, "prompt"));
            case JsonValueKind.Array when prompt.GetArrayLength() == 1 && prompt[0].ValueKind == JsonValueKind.Array:
                return new GenerationInput(null, null, AddSpecialTokens: false, PromptTokens: ParseTokenArray(prompt[0], "prompt[0]"));
            case JsonValueKind.Array when prompt.GetArrayLength() > 1:
                throw Fail("Only one prompt per request is supported; send one request per prompt.", "prompt", "unsupported_value");
            default:
                throw Fail("Invalid type for 'prompt': expected a string, an array with one string, or an array of token ids.", "prompt", "invalid_type");
        }
    }

    private static int[] ParseTokenArray(JsonElement array, string param)
    {
        var tokens = new int[array.GetArrayLength()];
        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var token) || token < 0)
            {
                throw Fail($"Invalid '{param}[{i}]': expected a non-negative integer token id.", param, "invalid_value");
            }

            tokens[i++] = token;
        }

        return tokens;
    }

    private static List<string> ParseStop(JsonElement body)
    {
        if (!body.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            return [CheckStop(stop.GetString()!)];
        }

        if (stop.ValueKind != JsonValueKind.Array || stop.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
        {
            throw Fail("Invalid type for 'stop': expected a string or an array of strings.", "stop", "invalid_type");
        }

        if (stop.GetArrayLength() > 4)
        {
            throw Fail($"Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length {stop.GetArrayLength()} instead.", "stop", "array_above_max_length");
        }

        return stop.EnumerateArray().Select(s => CheckStop(s.GetString()!)).Where(s => s.Length > 0).ToList();
    }

    private static string CheckStop(string stop)
        => stop.Length > MaxStopLength
            ? throw Fail($"Invalid 'stop': a stop sequence of {stop.Length} characters; at most {MaxStopLength} are allowed.", "stop", "string_above_max_length")
            : stop;

    private static string RequiredString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw Fail($"Missing required parameter: '{name}'.", name, "missing_required_parameter");
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            throw Fail($"Invalid type for '{name}': expected a non-empty string.", name, "invalid_type");
        }

        return text;
    }

    private static bool? OptionalBool(JsonElement body, string name, string? param = null)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail($"Invalid type for '{param ?? name}': expected a boolean, but got {Describe(value)} instead.", param ?? name, "invalid_type"),
        };
    }

    private static double? OptionalNumber(JsonElement body, string name, double min, double max)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || double.IsNaN(number))
        {
            throw Fail($"Invalid type for '{name}': expected a number, but got {Describe(value)} instead.", name, "invalid_type");
        }

        if (number < min)
        {
            throw Fail($"Invalid '{name}': decimal below minimum value. Expected a value >= {min}, but got {value.GetRawText()} instead.", name, "decimal_below_min_value");
        }

        if (number > max)
        {
            throw Fail($"Invalid '{name}': decimal above maximum value. Expected a value <= {max}, but got {value.GetRawText()} instead.", name, "decimal_above_max_value");
        }

        return number;
    }

    private static int? OptionalInt(JsonElement body, string name, int min, int max)
    {
        var value = OptionalLong(body, name);
        if (value is null)
        {
            return null;
        }

        if (value < min)
        {
            throw Fail($"Invalid '{name}': integer below minimum value. Expected a value >= {min}, but got {value} instead.", name, "integer_below_min_value");
        }

        if (value > max)
        {
            throw Fail($"Invalid '{name}': integer above maximum value. Expected a value <= {max}, but got {value} instead.", name, "integer_above_max_value");
        }

        return (int)value;
    }

    private static long? OptionalLong(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw Fail($"Invalid type for '{name}': expected an integer, but got {Describe(value)} instead.", name, "invalid_type");
        }

        return number;
    }

    private static string? OptionalString(JsonElement body, string name, string param)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Fail($"Invalid type for '{param}': expected a string, but got {Describe(value)} instead.", param, "invalid_type");
        }

        return value.GetString();
    }

    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a decimal",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static RequestValidationException Fail(string message, string? param, string? code = null)
        => new(PipelineErrors.Invalid(message, param, code));
}

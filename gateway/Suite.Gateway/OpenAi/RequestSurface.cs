using System.Text.Json;
using Suite.Contracts;
using Suite.Gateway.Sessions;
using Suite.Gateway.StructuredOutput;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.OpenAi;

/// <summary>
/// The OpenAI request fields beyond plain sampling. Structured output (<c>response_format</c> json_object and
/// json_schema) becomes a grammar and <c>logit_bias</c> a list of biases, both enforced while sampling; the fields the
/// suite does not serve (yet) but that change what an answer means are each refused with a 400 naming it, never
/// accepted and ignored (a schema keyword that cannot be enforced is refused the same way). Fields that do
/// not change the answer (<c>user</c>, <c>metadata</c>, <c>store</c>, <c>service_tier</c>) are checked for their type
/// and accepted. The README's "Request fields" table lists every field and its status.
/// </summary>
internal static partial class RequestSurface
{
    private static readonly string[] ServiceTiers = ["auto", "default", "flex", "scale", "priority"];
    private static readonly string[] ReasoningEfforts = ["minimal", "low", "medium", "high"];

    /// <summary>Checks the fields above and returns the grammar (<c>response_format</c>) and biases (<c>logit_bias</c>) asked for.</summary>
    public static (GrammarConstraint? Grammar, IReadOnlyList<TokenBias>? LogitBias) Check(JsonElement body, GenerationKind kind)
    {
        var grammar = CheckResponseFormat(body);
        var logitBias = CheckLogitBias(body);
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

        return (grammar, logitBias);
    }

    private static GrammarConstraint? CheckResponseFormat(JsonElement body)
    {
        if (!Present(body, "response_format", out var format))
        {
            return null;
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
                return null;
            case "json_object":
                return new GrammarConstraint(JsonSchemaGrammar.AnyObject());
            case "json_schema":
                return JsonSchemaFormat(format);
            default:
                throw Fail($"Invalid value for 'response_format.type': expected one of 'text', 'json_object', 'json_schema', but got '{type.GetString()}'.", "response_format.type", "invalid_value");
        }
    }

    /// <summary><c>{"type":"json_schema","json_schema":{"name","description","schema","strict"}}</c>, as OpenAI defines it.</summary>
    private static GrammarConstraint JsonSchemaFormat(JsonElement format)
    {
        if (!Present(format, "json_schema", out var jsonSchema))
        {
            throw Fail("Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema", "missing_required_parameter");
        }

        if (jsonSchema.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"Invalid type for 'response_format.json_schema': expected an object, but got {RequestParser.Describe(jsonSchema)} instead.", "response_format.json_schema", "invalid_type");
        }

        if (!Present(jsonSchema, "name", out var name))
        {
            throw Fail("Missing required parameter: 'response_format.json_schema.name'.", "response_format.json_schema.name", "missing_required_parameter");
        }

        if (name.ValueKind != JsonValueKind.String || !SchemaName().IsMatch(name.GetString()!))
        {
            throw Fail("Invalid 'response_format.json_schema.name': expected a string of at most 64 characters a-z, A-Z, 0-9, '_' and '-'.", "response_format.json_schema.name", "invalid_value");
        }

        if (Present(jsonSchema, "strict", out var strict) && strict.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw Fail($"Invalid type for 'response_format.json_schema.strict': expected a boolean, but got {RequestParser.Describe(strict)} instead.", "response_format.json_schema.strict", "invalid_type");
        }

        Optional(jsonSchema, "description", JsonValueKind.String, "a string");
        if (!Present(jsonSchema, "schema", out var schema))
        {
            // OpenAI's schema is optional; without one, any JSON object.
            return new GrammarConstraint(JsonSchemaGrammar.AnyObject());
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"Invalid type for 'response_format.json_schema.schema': expected an object, but got {RequestParser.Describe(schema)} instead.", "response_format.json_schema.schema", "invalid_type");
        }

        try
        {
            return new GrammarConstraint(JsonSchemaGrammar.FromSchema(schema));
        }
        catch (SchemaNotSupportedException e)
        {
            throw Fail($"Invalid schema for response_format '{name.GetString()}': {e.Message}", "response_format.json_schema.schema", "invalid_json_schema");
        }
    }

    /// <summary>
    /// OpenAI's <c>logit_bias</c>: token ids (as strings) to biases in [-100, 100]. Whether each id is in the model's
    /// vocabulary is checked by the tokenizer, which knows it, before the request is routed.
    /// </summary>
    private static List<TokenBias>? CheckLogitBias(JsonElement body)
    {
        if (!Present(body, "logit_bias", out var bias))
        {
            return null;
        }

        if (bias.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"Invalid type for 'logit_bias': expected an object, but got {RequestParser.Describe(bias)} instead.", "logit_bias", "invalid_type");
        }

        var biases = new List<TokenBias>();
        foreach (var entry in bias.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var token))
            {
                throw Fail($"Invalid key in 'logit_bias': '{entry.Name}' is not a token id (a non-negative integer).", "logit_bias", "invalid_value");
            }

            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetDouble(out var value))
            {
                throw Fail($"Invalid value for 'logit_bias.{entry.Name}': expected a number, but got {RequestParser.Describe(entry.Value)} instead.", "logit_bias", "invalid_type");
            }

            if (value is < -100 or > 100)
            {
                throw Fail($"Invalid value for 'logit_bias.{entry.Name}': {entry.Value.GetRawText()} is outside [-100, 100].", "logit_bias", "invalid_value");
            }

            if (biases.Any(b => b.Token == token))
            {
                throw Fail($"Invalid 'logit_bias': token id {token} appears more than once.", "logit_bias", "invalid_value");
            }

            biases.Add(new TokenBias(token, (float)value));
        }

        return biases.Count == 0 ? null : biases;
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

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex SchemaName();

    private static RequestValidationException Fail(string message, string? param, string? code)
        => new(PipelineErrors.Invalid(message, param, code));
}

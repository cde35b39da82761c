using System.Text.Json;
using System.Text.Json.Nodes;

namespace Suite.Gateway.StructuredOutput;

/// <summary>Which keywords a schema may carry: every one is enforced, an annotation, vacuous for the declared type, or refused.</summary>
public sealed partial class JsonSchemaGrammar
{
    /// <summary>Keywords that say nothing about which values are valid.</summary>
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "title", "description", "$comment", "default", "examples", "$schema", "$id", "$anchor", "deprecated", "readOnly", "writeOnly", "$defs", "definitions",
    };

    /// <summary>Keywords that constrain only values of these types (vacuous for a schema declaring one other type).</summary>
    private static readonly Dictionary<string, string[]> TypeKeywords = new(StringComparer.Ordinal)
    {
        ["minLength"] = ["string"], ["maxLength"] = ["string"], ["pattern"] = ["string"], ["format"] = ["string"],
        ["minimum"] = ["integer", "number"], ["maximum"] = ["integer", "number"],
        ["exclusiveMinimum"] = ["integer", "number"], ["exclusiveMaximum"] = ["integer", "number"], ["multipleOf"] = ["integer", "number"],
        ["properties"] = ["object"], ["required"] = ["object"], ["additionalProperties"] = ["object"], ["patternProperties"] = ["object"],
        ["minProperties"] = ["object"], ["maxProperties"] = ["object"], ["propertyNames"] = ["object"], ["dependentRequired"] = ["object"],
        ["items"] = ["array"], ["minItems"] = ["array"], ["maxItems"] = ["array"], ["prefixItems"] = ["array"], ["uniqueItems"] = ["array"], ["contains"] = ["array"],
    };

    private static void CheckAllUsed(JsonObject schema, string path, HashSet<string> used)
    {
        var type = schema["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        foreach (var (keyword, _) in schema)
        {
            if (used.Contains(keyword) || Annotations.Contains(keyword))
            {
                continue;
            }

            // A keyword for other types says nothing about a schema of one declared type ({"type":"null","maxLength":3}).
            if (type is not null && TypeKeywords.TryGetValue(keyword, out var applies) && !applies.Contains(type)
                && !(type == "integer" && applies.Contains("number")))
            {
                continue;
            }

            throw new SchemaNotSupportedException($"The JSON schema keyword '{keyword}' at '{path}' is not supported here, so it cannot be enforced while decoding.");
        }
    }

    private static int? Count(JsonObject schema, string keyword, string path)
    {
        if (schema[keyword] is not { } node)
        {
            return null;
        }

        return node is JsonValue v && v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var n) && n >= 0
            ? n
            : node is JsonValue v2 && v2.TryGetValue<int>(out var n2) && n2 >= 0
                ? n2
                : throw new SchemaNotSupportedException($"'{keyword}' at '{path}' must be a non-negative integer.");
    }

    private static long? Bound(JsonObject schema, string keyword, string path, Func<double, double> toInteger)
    {
        if (schema[keyword] is not { } node)
        {
            return null;
        }

        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            throw new SchemaNotSupportedException($"'{keyword}' at '{path}' must be a number.");
        }

        var value = toInteger(v.GetValue<double>());
        return value is > -1e15 and < 1e15
            ? (long)value
            : throw new SchemaNotSupportedException($"'{keyword}' at '{path}' is outside ±10^15, the range of integer bounds supported.");
    }
}

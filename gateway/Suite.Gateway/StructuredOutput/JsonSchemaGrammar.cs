using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Suite.Gateway.StructuredOutput;

/// <summary>
/// JSON schema → GBNF grammar for llama.cpp's grammar sampler. It follows llama.cpp's own converter
/// (common/json-schema-to-grammar.cpp: same rule names, primitives, whitespace rule and rule order, so a grammar reads
/// like llama-server's). That converter lives in llama.cpp's <c>common</c> library, which libllama does not export and
/// LLamaSharp does not ship, and the gateway must refuse a schema before any work is spent on it, so it is written here.
/// <para>
/// Unlike llama.cpp, which drops what it does not understand, this never relaxes a schema: every keyword is either
/// enforced, a pure annotation (title, description, …), vacuous for the schema's single declared type, or refused with a
/// <see cref="SchemaNotSupportedException"/> naming it. Where llama.cpp narrows (a missing additionalProperties allows
/// no extra keys; properties come in declared order; an empty schema is any object; oneOf is enforced as anyOf) the
/// output still validates against the schema.
/// </para>
/// </summary>
public sealed partial class JsonSchemaGrammar
{
    private static readonly string[] JsonTypes = ["string", "number", "integer", "boolean", "object", "array", "null"];

    private readonly SortedDictionary<string, string> _rules = new(StringComparer.Ordinal) { ["space"] = GrammarPrimitives.SpaceRule };
    private readonly Dictionary<string, JsonNode?> _refs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);
    private readonly JsonNode _root;

    private JsonSchemaGrammar(JsonNode root) => _root = root;

    /// <summary>The GBNF (start rule <c>root</c>) for any JSON object: <c>response_format</c> json_object.</summary>
    public static string AnyObject() => FromSchema(new JsonObject { ["type"] = "object" });

    /// <summary>The GBNF (start rule <c>root</c>) whose sentences are JSON texts valid against <paramref name="schema"/>.</summary>
    /// <exception cref="SchemaNotSupportedException">A keyword or value that cannot be enforced exactly.</exception>
    public static string FromSchema(JsonElement schema) => FromSchema(JsonNode.Parse(schema.GetRawText()));

    public static string FromSchema(JsonNode? schema)
    {
        if (schema is not JsonObject)
        {
            throw new SchemaNotSupportedException("The schema must be a JSON object.");
        }

        var converter = new JsonSchemaGrammar(schema);
        converter.Visit(schema, string.Empty, "#");
        var grammar = new StringBuilder();
        foreach (var (name, rule) in converter._rules)
        {
            grammar.Append(name).Append(" ::= ").Append(rule).Append('\n');
        }

        return grammar.ToString();
    }

    private string AddRule(string name, string rule)
    {
        var escaped = InvalidRuleChars().Replace(name, "-");
        if (!_rules.TryGetValue(escaped, out var existing) || existing == rule)
        {
            _rules[escaped] = rule;
            return escaped;
        }

        var i = 0;
        while (_rules.TryGetValue(escaped + i.ToString(CultureInfo.InvariantCulture), out var other) && other != rule)
        {
            i++;
        }

        var key = escaped + i.ToString(CultureInfo.InvariantCulture);
        _rules[key] = rule;
        return key;
    }

    private string AddPrimitive(string name, (string Content, string[] Dependencies) rule)
    {
        var added = AddRule(name, rule.Content);
        foreach (var dependency in rule.Dependencies)
        {
            if (!_rules.ContainsKey(dependency))
            {
                AddPrimitive(dependency, GrammarPrimitives.Primitives.TryGetValue(dependency, out var primitive) ? primitive : GrammarPrimitives.StringFormats[dependency]);
            }
        }

        return added;
    }

    private string Visit(JsonNode? node, string name, string path)
    {
        var ruleName = GrammarPrimitives.IsReserved(name) ? name + "-" : name.Length == 0 ? "root" : name;
        if (node is JsonValue boolean && boolean.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return boolean.GetValue<bool>()
                ? AddRule(ruleName, AddPrimitive("value", GrammarPrimitives.Primitives["value"]))
                : throw new SchemaNotSupportedException($"The schema at '{path}' is false: no value is valid, so no output can be produced.");
        }

        if (node is not JsonObject schema)
        {
            throw new SchemaNotSupportedException($"The schema at '{path}' must be an object or a boolean.");
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var rule = VisitObject(schema, name, ruleName, path, used);
        CheckAllUsed(schema, path, used);
        return rule;
    }

    private string VisitObject(JsonObject schema, string name, string ruleName, string path, HashSet<string> used)
    {
        var type = schema["type"];
        var singleType = type is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        if (type is not null && singleType is null && type is not JsonArray)
        {
            throw new SchemaNotSupportedException($"'type' at '{path}' must be a string or an array of strings.");
        }

        if (singleType is not null && !JsonTypes.Contains(singleType))
        {
            throw new SchemaNotSupportedException($"Unknown type '{singleType}' at '{path}/type'.");
        }

        if (schema["$ref"] is { } reference)
        {
            used.Add("$ref");
            return AddRule(ruleName, ResolveRef(reference, path));
        }

        if (schema.ContainsKey("oneOf") || schema.ContainsKey("anyOf"))
        {
            var keyword = schema.ContainsKey("oneOf") ? "oneOf" : "anyOf";
            if (schema.ContainsKey("oneOf") && schema.ContainsKey("anyOf"))
            {
                throw new SchemaNotSupportedException($"'oneOf' and 'anyOf' together at '{path}' are not supported.");
            }

            used.Add(keyword);
            if (schema[keyword] is not JsonArray { Count: > 0 } alternatives)
            {
                throw new SchemaNotSupportedException($"'{keyword}' at '{path}' must be a non-empty array of schemas.");
            }

            return AddRule(ruleName, Union(name, [.. alternatives], $"{path}/{keyword}"));
        }

        if (type is JsonArray types)
        {
            used.UnionWith(schema.Select(p => p.Key));
            if (types.Count == 0 || types.Any(x => x is not JsonValue tv || tv.GetValueKind() != JsonValueKind.String))
            {
                throw new SchemaNotSupportedException($"'type' at '{path}' must be a string or a non-empty array of strings.");
            }

            var copies = types.Select(x =>
            {
                var copy = (JsonObject)schema.DeepClone();
                copy["type"] = x!.GetValue<string>();
                return (JsonNode?)copy;
            }).ToList();
            return AddRule(ruleName, Union(name, copies, path));
        }

        used.Add("type");
        if (schema.ContainsKey("const"))
        {
            used.Add("const");
            return AddRule(ruleName, ConstantRule(schema["const"]) + " space");
        }

        if (schema["enum"] is { } enumNode)
        {
            used.Add("enum");
            if (enumNode is not JsonArray { Count: > 0 } values)
            {
                throw new SchemaNotSupportedException($"'enum' at '{path}' must be a non-empty array.");
            }

            return AddRule(ruleName, "(" + string.Join(" | ", values.Select(ConstantRule)) + ") space");
        }

        var additional = schema["additionalProperties"];
        var hasAdditional = schema.ContainsKey("additionalProperties");
        if (singleType is null or "object" && (schema.ContainsKey("properties") || hasAdditional && !IsTrue(additional)))
        {
            used.UnionWith(["properties", "required", "additionalProperties"]);
            return AddRule(ruleName, ObjectRule(schema, name, path, hasAdditional ? additional : null));
        }

        if (singleType is null or "array" && (schema.ContainsKey("items") || schema.ContainsKey("minItems") || schema.ContainsKey("maxItems")))
        {
            used.UnionWith(["items", "minItems", "maxItems"]);
            var items = schema["items"];
            if (items is JsonArray)
            {
                throw new SchemaNotSupportedException($"'items' at '{path}' as an array (tuple validation) is not supported; give one schema for every item.");
            }

            var itemRule = Visit(schema.ContainsKey("items") ? items : JsonValue.Create(true), name + (name.Length == 0 ? string.Empty : "-") + "item", path + "/items");
            var minItems = Count(schema, "minItems", path) ?? 0;
            var maxItems = Count(schema, "maxItems", path) ?? int.MaxValue;
            if (minItems > maxItems)
            {
                throw new SchemaNotSupportedException($"'minItems' at '{path}' is above 'maxItems': no array is valid.");
            }

            return AddRule(ruleName, "\"[\" space " + GbnfText.BuildRepetition(itemRule, minItems, maxItems, "\",\" space") + " \"]\" space");
        }

        if (singleType is null or "string" && schema["pattern"] is { } pattern)
        {
            used.Add("pattern");
            if (pattern is not JsonValue pv || pv.GetValueKind() != JsonValueKind.String)
            {
                throw new SchemaNotSupportedException($"'pattern' at '{path}' must be a string.");
            }

            return AddRule(ruleName, new PatternGrammar(pv.GetValue<string>(), ruleName, AddRule).Convert());
        }

        if (singleType is null or "string" && schema["format"] is { } formatNode)
        {
            used.Add("format");
            var format = formatNode is JsonValue fv && fv.GetValueKind() == JsonValueKind.String ? fv.GetValue<string>() : string.Empty;
            if (UuidFormat().IsMatch(format))
            {
                return AddPrimitive(ruleName == "root" ? "root" : format, GrammarPrimitives.Primitives["uuid"]);
            }

            if (GrammarPrimitives.StringFormats.TryGetValue(format + "-string", out var formatRule))
            {
                return AddRule(ruleName, AddPrimitive(format + "-string", formatRule));
            }

            throw new SchemaNotSupportedException($"The string format '{format}' at '{path}/format' is not supported (supported: date, time, date-time, uuid).");
        }

        if (singleType == "string" && (schema.ContainsKey("minLength") || schema.ContainsKey("maxLength")))
        {
            used.UnionWith(["minLength", "maxLength"]);
            var charRule = AddPrimitive("char", GrammarPrimitives.Primitives["char"]);
            var minLength = Count(schema, "minLength", path) ?? 0;
            var maxLength = Count(schema, "maxLength", path) ?? int.MaxValue;
            if (minLength > maxLength)
            {
                throw new SchemaNotSupportedException($"'minLength' at '{path}' is above 'maxLength': no string is valid.");
            }

            return AddRule(ruleName, "\"\\\"\" " + GbnfText.BuildRepetition(charRule, minLength, maxLength) + " \"\\\"\" space");
        }

        string[] bounds = ["minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"];
        if (singleType == "integer" && bounds.Any(schema.ContainsKey))
        {
            used.UnionWith(bounds);
            var min = Bound(schema, "minimum", path, Math.Ceiling);
            var exclusiveMin = Bound(schema, "exclusiveMinimum", path, x => Math.Floor(x) + 1);
            var max = Bound(schema, "maximum", path, Math.Floor);
            var exclusiveMax = Bound(schema, "exclusiveMaximum", path, x => Math.Ceiling(x) - 1);
            long? low = min is null && exclusiveMin is null ? null : Math.Max(min ?? long.MinValue, exclusiveMin ?? long.MinValue);
            long? high = max is null && exclusiveMax is null ? null : Math.Min(max ?? long.MaxValue, exclusiveMax ?? long.MaxValue);
            if (low > high)
            {
                throw new SchemaNotSupportedException($"The bounds at '{path}' leave no integer.");
            }

            return AddRule(ruleName, "(" + IntegerRangeGrammar.Build(low, high) + ") space");
        }

        if (singleType == "number" && bounds.FirstOrDefault(schema.ContainsKey) is { } numberBound)
        {
            throw new SchemaNotSupportedException($"'{numberBound}' on a number at '{path}' cannot be enforced while decoding (bounds are supported on integers only).");
        }

        if (schema.Count == 0 || singleType == "object")
        {
            return AddRule(ruleName, AddPrimitive("object", GrammarPrimitives.Primitives["object"]));
        }

        if (singleType is null)
        {
            return AddRule(ruleName, AddPrimitive("value", GrammarPrimitives.Primitives["value"]));
        }

        return AddPrimitive(ruleName == "root" ? "root" : singleType, GrammarPrimitives.Primitives[singleType]);
    }

    private string Union(string name, List<JsonNode?> alternatives, string path)
    {
        var rules = new List<string>(alternatives.Count);
        for (var i = 0; i < alternatives.Count; i++)
        {
            rules.Add(Visit(alternatives[i], name + (name.Length == 0 ? "alternative-" : "-") + i.ToString(CultureInfo.InvariantCulture), $"{path}/{i}"));
        }

        return string.Join(" | ", rules);
    }

    private string ResolveRef(JsonNode reference, string path)
    {
        if (reference is not JsonValue rv || rv.GetValueKind() != JsonValueKind.String)
        {
            throw new SchemaNotSupportedException($"'$ref' at '{path}' must be a string.");
        }

        var text = rv.GetValue<string>();
        if (!text.StartsWith('#'))
        {
            throw new SchemaNotSupportedException($"The reference '{text}' at '{path}/$ref' is not local: only references into the same schema ('#/$defs/…') are supported.");
        }

        var fragment = text[1..];
        var refName = "ref" + InvalidRuleChars().Replace(fragment, "-");
        if (!_refs.TryGetValue(text, out var target))
        {
            target = _root;
            if (fragment.Length > 0)
            {
                if (!fragment.StartsWith('/'))
                {
                    throw new SchemaNotSupportedException($"The reference '{text}' at '{path}/$ref' is not a JSON pointer ('#/…'); anchors are not supported.");
                }

                foreach (var raw in fragment[1..].Split('/'))
                {
                    var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                    target = target switch
                    {
                        JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                        JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < a.Count => a[index],
                        _ => throw new SchemaNotSupportedException($"The reference '{text}' at '{path}/$ref' does not resolve: '{token}' is not found."),
                    };
                }
            }

            _refs[text] = target;
        }

        if (!_rules.ContainsKey(refName) && _resolving.Add(text))
        {
            refName = Visit(target, refName, text);
            _resolving.Remove(text);
        }

        return refName;
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static bool IsFalse(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.False;

    private static string ConstantRule(JsonNode? value) => GbnfText.FormatLiteral(GbnfText.JsonText(value));

    [GeneratedRegex("[^a-zA-Z0-9-]+")]
    private static partial Regex InvalidRuleChars();

    [GeneratedRegex("^uuid[1-5]?$")]
    private static partial Regex UuidFormat();
}

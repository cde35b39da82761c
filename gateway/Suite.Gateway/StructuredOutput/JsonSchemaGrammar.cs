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
    private const string SpaceRule = "| \" \" | \"\\n\"{1,2} [ \\t]{0,20}";

    private static readonly Dictionary<string, (string Content, string[] Dependencies)> Primitives = new(StringComparer.Ordinal)
    {
        ["boolean"] = ("(\"true\" | \"false\") space", []),
        ["decimal-part"] = ("[0-9]{1,16}", []),
        ["integral-part"] = ("[0] | [1-9] [0-9]{0,15}", []),
        ["number"] = ("(\"-\"? integral-part) (\".\" decimal-part)? ([eE] [-+]? integral-part)? space", ["integral-part", "decimal-part"]),
        ["integer"] = ("(\"-\"? integral-part) space", ["integral-part"]),
        ["value"] = ("object | array | string | number | boolean | null", ["object", "array", "string", "number", "boolean", "null"]),
        ["object"] = ("\"{\" space ( string \":\" space value (\",\" space string \":\" space value)* )? \"}\" space", ["string", "value"]),
        ["array"] = ("\"[\" space ( value (\",\" space value)* )? \"]\" space", ["value"]),
        ["uuid"] = ("\"\\\"\" [0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12} \"\\\"\" space", []),
        ["char"] = ("[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\bfnrt] | \"u\" [0-9a-fA-F]{4})", []),
        ["string"] = ("\"\\\"\" char* \"\\\"\" space", ["char"]),
        ["null"] = ("\"null\" space", []),
    };

    private static readonly Dictionary<string, (string Content, string[] Dependencies)> StringFormats = new(StringComparer.Ordinal)
    {
        ["date"] = ("[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1] )", []),
        ["time"] = ("([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{3} )? ( \"Z\" | ( \"+\" | \"-\" ) ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )", []),
        ["date-time"] = ("date \"T\" time", ["date", "time"]),
        ["date-string"] = ("\"\\\"\" date \"\\\"\" space", ["date"]),
        ["time-string"] = ("\"\\\"\" time \"\\\"\" space", ["time"]),
        ["date-time-string"] = ("\"\\\"\" date-time \"\\\"\" space", ["date-time"]),
    };

    private static readonly string[] JsonTypes = ["string", "number", "integer", "boolean", "object", "array", "null"];

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

    private readonly SortedDictionary<string, string> _rules = new(StringComparer.Ordinal) { ["space"] = SpaceRule };
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

    internal static string BuildRepetition(string itemRule, int minItems, int maxItems, string separatorRule = "")
    {
        var hasMax = maxItems != int.MaxValue;
        if (maxItems == 0)
        {
            return string.Empty;
        }

        if (minItems == 0 && maxItems == 1)
        {
            return itemRule + "?";
        }

        if (separatorRule.Length == 0)
        {
            if (minItems == 1 && !hasMax)
            {
                return itemRule + "+";
            }

            if (minItems == 0 && !hasMax)
            {
                return itemRule + "*";
            }

            return itemRule + "{" + minItems.ToString(CultureInfo.InvariantCulture) + "," + (hasMax ? maxItems.ToString(CultureInfo.InvariantCulture) : string.Empty) + "}";
        }

        var result = itemRule + " " + BuildRepetition("(" + separatorRule + " " + itemRule + ")", minItems == 0 ? 0 : minItems - 1, hasMax ? maxItems - 1 : maxItems);
        return minItems == 0 ? "(" + result + ")?" : result;
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
                AddPrimitive(dependency, Primitives.TryGetValue(dependency, out var primitive) ? primitive : StringFormats[dependency]);
            }
        }

        return added;
    }

    private static bool IsReserved(string name) => name == "root" || Primitives.ContainsKey(name) || StringFormats.ContainsKey(name);

    private string Visit(JsonNode? node, string name, string path)
    {
        var ruleName = IsReserved(name) ? name + "-" : name.Length == 0 ? "root" : name;
        if (node is JsonValue boolean && boolean.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return boolean.GetValue<bool>()
                ? AddRule(ruleName, AddPrimitive("value", Primitives["value"]))
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

            return AddRule(ruleName, "\"[\" space " + BuildRepetition(itemRule, minItems, maxItems, "\",\" space") + " \"]\" space");
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
                return AddPrimitive(ruleName == "root" ? "root" : format, Primitives["uuid"]);
            }

            if (StringFormats.TryGetValue(format + "-string", out var formatRule))
            {
                return AddRule(ruleName, AddPrimitive(format + "-string", formatRule));
            }

            throw new SchemaNotSupportedException($"The string format '{format}' at '{path}/format' is not supported (supported: date, time, date-time, uuid).");
        }

        if (singleType == "string" && (schema.ContainsKey("minLength") || schema.ContainsKey("maxLength")))
        {
            used.UnionWith(["minLength", "maxLength"]);
            var charRule = AddPrimitive("char", Primitives["char"]);
            var minLength = Count(schema, "minLength", path) ?? 0;
            var maxLength = Count(schema, "maxLength", path) ?? int.MaxValue;
            if (minLength > maxLength)
            {
                throw new SchemaNotSupportedException($"'minLength' at '{path}' is above 'maxLength': no string is valid.");
            }

            return AddRule(ruleName, "\"\\\"\" " + BuildRepetition(charRule, minLength, maxLength) + " \"\\\"\" space");
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
            return AddRule(ruleName, AddPrimitive("object", Primitives["object"]));
        }

        if (singleType is null)
        {
            return AddRule(ruleName, AddPrimitive("value", Primitives["value"]));
        }

        return AddPrimitive(ruleName == "root" ? "root" : singleType, Primitives[singleType]);
    }

    private string ObjectRule(JsonObject schema, string name, string path, JsonNode? additional)
    {
        var prefix = name + (name.Length == 0 ? string.Empty : "-");
        var properties = new List<(string Name, JsonNode? Schema)>();
        if (schema["properties"] is { } propertiesNode)
        {
            if (propertiesNode is not JsonObject propertiesObject)
            {
                throw new SchemaNotSupportedException($"'properties' at '{path}' must be an object.");
            }

            properties.AddRange(propertiesObject.Select(p => (p.Key, p.Value)));
        }

        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema["required"] is { } requiredNode)
        {
            if (requiredNode is not JsonArray requiredArray || requiredArray.Any(r => r is not JsonValue rv || rv.GetValueKind() != JsonValueKind.String))
            {
                throw new SchemaNotSupportedException($"'required' at '{path}' must be an array of strings.");
            }

            foreach (var r in requiredArray)
            {
                var requiredName = r!.GetValue<string>();
                if (!properties.Any(p => p.Name == requiredName))
                {
                    throw new SchemaNotSupportedException($"The required property '{requiredName}' at '{path}' is not among its 'properties'; only declared properties can be required.");
                }

                required.Add(requiredName);
            }
        }

        var keyValueRules = new Dictionary<string, string>(StringComparer.Ordinal);
        var requiredProps = new List<string>();
        var optionalProps = new List<string>();
        foreach (var (propertyName, propertySchema) in properties)
        {
            var valueRule = Visit(propertySchema, prefix + propertyName, $"{path}/properties/{propertyName}");
            keyValueRules[propertyName] = AddRule(prefix + propertyName + "-kv", FormatLiteral(JsonText(JsonValue.Create(propertyName))) + " space \":\" space " + valueRule);
            (required.Contains(propertyName) ? requiredProps : optionalProps).Add(propertyName);
        }

        if (additional is JsonObject || IsTrue(additional))
        {
            var subName = prefix + "additional";
            var valueRule = additional is JsonObject ? Visit(additional, subName + "-value", path + "/additionalProperties") : AddPrimitive("value", Primitives["value"]);
            var keyRule = properties.Count == 0 ? AddPrimitive("string", Primitives["string"]) : AddRule(subName + "-k", NotStrings([.. properties.Select(p => p.Name)]));
            keyValueRules["*"] = AddRule(subName + "-kv", keyRule + " \":\" space " + valueRule);
            optionalProps.Add("*");
        }
        else if (additional is not null && !IsFalse(additional))
        {
            throw new SchemaNotSupportedException($"'additionalProperties' at '{path}' must be a boolean or a schema.");
        }

        var rule = new StringBuilder("\"{\" space ");
        rule.AppendJoin(" \",\" space ", requiredProps.Select(p => keyValueRules[p]));
        if (optionalProps.Count > 0)
        {
            rule.Append(" (");
            if (requiredProps.Count > 0)
            {
                rule.Append(" \",\" space ( ");
            }

            string RecursiveRefs(List<string> keys, bool firstIsOptional)
            {
                if (keys.Count == 0)
                {
                    return string.Empty;
                }

                var key = keys[0];
                var kvRule = keyValueRules[key];
                var commaRef = "( \",\" space " + kvRule + " )";
                var result = firstIsOptional ? commaRef + (key == "*" ? "*" : "?") : kvRule + (key == "*" ? " " + commaRef + "*" : string.Empty);
                if (keys.Count > 1)
                {
                    result += " " + AddRule(prefix + key + "-rest", RecursiveRefs(keys[1..], true));
                }

                return result;
            }

            for (var i = 0; i < optionalProps.Count; i++)
            {
                if (i > 0)
                {
                    rule.Append(" | ");
                }

                rule.Append(RecursiveRefs(optionalProps[i..], false));
            }

            if (requiredProps.Count > 0)
            {
                rule.Append(" )");
            }

            rule.Append(" )?");
        }

        return rule.Append(" \"}\" space").ToString();
    }

    /// <summary>A JSON string that is none of <paramref name="strings"/> (an object key other than the declared ones).</summary>
    private string NotStrings(List<string> strings)
    {
        var trie = new Trie();
        foreach (var s in strings)
        {
            trie.Insert(s);
        }

        var charRule = AddPrimitive("char", Primitives["char"]);
        var output = new StringBuilder("[\"] ( ");
        void VisitNode(Trie node)
        {
            var rejects = new StringBuilder();
            var first = true;
            foreach (var (c, child) in node.Children)
            {
                rejects.Append(c);
                if (first)
                {
                    first = false;
                }
                else
                {
                    output.Append(" | ");
                }

                output.Append('[').Append(c).Append(']');
                if (child.Children.Count > 0)
                {
                    output.Append(" (");
                    VisitNode(child);
                    output.Append(')');
                }
                else if (child.IsEnd)
                {
                    output.Append(' ').Append(charRule).Append('+');
                }
            }

            if (node.Children.Count > 0)
            {
                if (!first)
                {
                    output.Append(" | ");
                }

                output.Append("[^\"").Append(rejects).Append("] ").Append(charRule).Append('*');
            }
        }

        if (strings.Any(s => s.Any(c => c is '"' or '\\' or ']' or '-' or '^' || c < 0x20)))
        {
            throw new SchemaNotSupportedException("Extra properties ('additionalProperties') beside a property whose name holds a quote, backslash, ']', '-', '^' or a control character are not supported.");
        }

        VisitNode(trie);
        output.Append(" )");
        if (!trie.IsEnd)
        {
            output.Append('?');
        }

        return output.Append(" [\"] space").ToString();
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

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static bool IsFalse(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.False;

    private static string ConstantRule(JsonNode? value) => FormatLiteral(JsonText(value));

    /// <summary>A GBNF string literal: quotes, backslashes, CR and LF escaped.</summary>
    internal static string FormatLiteral(string literal)
    {
        var output = new StringBuilder(literal.Length + 2).Append('"');
        foreach (var c in literal)
        {
            output.Append(c switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }

        return output.Append('"').ToString();
    }

    /// <summary>Compact JSON text, non-ASCII kept as is (as nlohmann's dump(), so the model writes the value plainly).</summary>
    internal static string JsonText(JsonNode? value)
    {
        var output = new StringBuilder();
        Write(value, output);
        return output.ToString();

        static void Write(JsonNode? node, StringBuilder output)
        {
            switch (node)
            {
                case null:
                    output.Append("null");
                    break;
                case JsonObject o:
                    output.Append('{');
                    var first = true;
                    foreach (var (key, child) in o)
                    {
                        if (!first)
                        {
                            output.Append(',');
                        }

                        first = false;
                        WriteString(key, output);
                        output.Append(':');
                        Write(child, output);
                    }

                    output.Append('}');
                    break;
                case JsonArray a:
                    output.Append('[');
                    for (var i = 0; i < a.Count; i++)
                    {
                        if (i > 0)
                        {
                            output.Append(',');
                        }

                        Write(a[i], output);
                    }

                    output.Append(']');
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    WriteString(v.GetValue<string>(), output);
                    break;
                default:
                    output.Append(node.ToJsonString());
                    break;
            }
        }

        static void WriteString(string text, StringBuilder output)
        {
            output.Append('"');
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"': output.Append("\\\""); break;
                    case '\\': output.Append("\\\\"); break;
                    case '\b': output.Append("\\b"); break;
                    case '\f': output.Append("\\f"); break;
                    case '\n': output.Append("\\n"); break;
                    case '\r': output.Append("\\r"); break;
                    case '\t': output.Append("\\t"); break;
                    case < ' ': output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                    default: output.Append(c); break;
                }
            }

            output.Append('"');
        }
    }

    [GeneratedRegex("[^a-zA-Z0-9-]+")]
    private static partial Regex InvalidRuleChars();

    [GeneratedRegex("^uuid[1-5]?$")]
    private static partial Regex UuidFormat();

    private sealed class Trie
    {
        public SortedDictionary<char, Trie> Children { get; } = [];

        public bool IsEnd { get; private set; }

        public void Insert(string text)
        {
            var node = this;
            foreach (var c in text)
            {
                if (!node.Children.TryGetValue(c, out var child))
                {
                    child = new Trie();
                    node.Children[c] = child;
                }

                node = child;
            }

            node.IsEnd = true;
        }
    }
}

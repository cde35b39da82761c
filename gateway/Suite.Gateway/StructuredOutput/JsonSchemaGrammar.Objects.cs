using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Suite.Gateway.StructuredOutput;

/// <summary>Objects: properties in declared order, required first, optional ones as llama.cpp chains them, extra keys.</summary>
public sealed partial class JsonSchemaGrammar
{
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
            keyValueRules[propertyName] = AddRule(prefix + propertyName + "-kv", GbnfText.FormatLiteral(GbnfText.JsonText(JsonValue.Create(propertyName))) + " space \":\" space " + valueRule);
            (required.Contains(propertyName) ? requiredProps : optionalProps).Add(propertyName);
        }

        if (additional is JsonObject || IsTrue(additional))
        {
            var subName = prefix + "additional";
            var valueRule = additional is JsonObject ? Visit(additional, subName + "-value", path + "/additionalProperties") : AddPrimitive("value", GrammarPrimitives.Primitives["value"]);
            var keyRule = properties.Count == 0 ? AddPrimitive("string", GrammarPrimitives.Primitives["string"]) : AddRule(subName + "-k", NotStrings([.. properties.Select(p => p.Name)]));
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

        var charRule = AddPrimitive("char", GrammarPrimitives.Primitives["char"]);
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

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Suite.Gateway.StructuredOutput;

/// <summary>GBNF text pieces written as llama.cpp writes them: literals, JSON values as literals, repetitions.</summary>
internal static class GbnfText
{
    public static string BuildRepetition(string itemRule, int minItems, int maxItems, string separatorRule = "")
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

    /// <summary>A GBNF string literal: quotes, backslashes, CR and LF escaped.</summary>
    public static string FormatLiteral(string literal)
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
    public static string JsonText(JsonNode? value)
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
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>
/// JSON in and out of templates. <see cref="Serialize"/> is transformers' <c>tojson</c> filter, i.e. Python's
/// <c>json.dumps(value, ensure_ascii=False, indent=indent)</c>: ", " and ": " separators ("," between items when
/// indenting), keys in insertion order, non-ASCII kept.
/// </summary>
public static class JinjaJson
{
    /// <summary>Parses JSON into template values: objects keep their key order; integers stay integers.</summary>
    public static object? Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromElement(document.RootElement);
    }

    public static object? FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToDictionary(element),
        JsonValueKind.Array => element.EnumerateArray().Select(FromElement).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => Number(element),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>An integer literal stays an int (Python's json.loads); "1.0" or "1e3" is a float.</summary>
    private static object Number(JsonElement element)
    {
        var raw = element.GetRawText();
        return raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && element.TryGetInt64(out var integer) ? (object)integer : element.GetDouble();
    }

    public static string Serialize(object? value) => Serialize(value, new JsonFormat());

    public static string Serialize(object? value, JsonFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var builder = new StringBuilder();
        Write(builder, value, format, 0);
        return builder.ToString();
    }

    private static OrderedDictionary<string, object?> ToDictionary(JsonElement element)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            // A repeated key keeps its first position and last value, as Python's json.loads does.
            dict[property.Name] = FromElement(property.Value);
        }

        return dict;
    }

    private static void Write(StringBuilder builder, object? value, JsonFormat format, int depth)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case JinjaUndefined undefined:
                throw new JinjaRuntimeException($"Object of type Undefined is not JSON serializable ({undefined.Description})");
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case long l:
                builder.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : PythonText.FloatRepr(d));
                break;
            case string s:
                WriteString(builder, s, format.EnsureAscii);
                break;
            case IList<object?> list:
                WriteContainer(builder, '[', ']', list.Count, format, depth, i => Write(builder, list[i], format, depth + 1));
                break;
            case OrderedDictionary<string, object?> dict:
                var entries = format.SortKeys ? dict.OrderBy(p => p.Key, StringComparer.Ordinal).ToList() : dict.ToList();
                WriteContainer(builder, '{', '}', entries.Count, format, depth, i =>
                {
                    WriteString(builder, entries[i].Key, format.EnsureAscii);
                    builder.Append(format.KeySeparator ?? ": ");
                    Write(builder, entries[i].Value, format, depth + 1);
                });
                break;
            case JinjaNamespace ns:
                var fields = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, field) in ns.Values)
                {
                    fields[key] = field;
                }

                Write(builder, fields, format, depth);
                break;
            default:
                throw new JinjaRuntimeException($"Object of type {JinjaOps.TypeName(value)} is not JSON serializable");
        }
    }

    private static void WriteContainer(StringBuilder builder, char open, char close, int count, JsonFormat format, int depth, Action<int> writeItem)
    {
        var indent = format.Indent;
        builder.Append(open);
        if (count == 0)
        {
            builder.Append(close);
            return;
        }

        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(format.ItemSeparator ?? (indent is null ? ", " : ","));
            }

            if (indent is { } width)
            {
                builder.Append('\n').Append(' ', width * (depth + 1));
            }

            writeItem(i);
        }

        if (indent is { } w)
        {
            builder.Append('\n').Append(' ', w * depth);
        }

        builder.Append(close);
    }

    private static void WriteString(StringBuilder builder, string s, bool ensureAscii)
    {
        builder.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < ' ' || (ensureAscii && c > '\x7e'))
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}

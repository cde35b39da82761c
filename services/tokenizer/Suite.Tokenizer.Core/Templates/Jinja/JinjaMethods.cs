using System.Text;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>The str and dict methods chat templates call (Python semantics). Lists have none: templates may not mutate.</summary>
public static class JinjaMethods
{
    /// <summary>Every method name this interpreter implements, for the load-time check of a template.</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "strip", "lstrip", "rstrip", "split", "rsplit", "startswith", "endswith", "upper", "lower", "title", "capitalize",
        "replace", "find", "rfind", "count", "join", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower",
        "format", "get", "items", "keys", "values",
    };

    public static bool TryBind(object? target, string name, out JinjaCallable method)
    {
        method = null!;
        Func<JinjaArguments, object?>? body = target switch
        {
            string s => StringMethod(s, name),
            OrderedDictionary<string, object?> dict => DictMethod(dict, name),
            _ => null,
        };
        if (body is null)
        {
            return false;
        }

        method = new JinjaCallable(name, (positional, keywords) => body(new JinjaArguments(name, positional, keywords)));
        return true;
    }

    private static Func<JinjaArguments, object?>? StringMethod(string s, string name) => name switch
    {
        "strip" => a => PythonText.Strip(s, a.GetString(0, "chars")),
        "lstrip" => a => PythonText.StripStart(s, a.GetString(0, "chars")),
        "rstrip" => a => PythonText.StripEnd(s, a.GetString(0, "chars")),
        "split" => a => PythonText.Split(s, a.GetString(0, "sep"), a.GetLong(1, "maxsplit", -1)),
        "rsplit" => a => a.GetString(0, "sep") is { } sep ? PythonText.RSplit(s, sep, a.GetLong(1, "maxsplit", -1)) : PythonText.Split(s, null, -1),
        "startswith" => a => Affix(s, a.Get(0, "prefix"), (text, affix) => text.StartsWith(affix, StringComparison.Ordinal)),
        "endswith" => a => Affix(s, a.Get(0, "suffix"), (text, affix) => text.EndsWith(affix, StringComparison.Ordinal)),
        "upper" => _ => s.ToUpperInvariant(),
        "lower" => _ => s.ToLowerInvariant(),
        "title" => _ => PythonText.Title(s),
        "capitalize" => _ => PythonText.Capitalize(s),
        "replace" => a => Replace(s, a.GetString(0, "old") ?? string.Empty, a.GetString(1, "new") ?? string.Empty, a.GetLong(2, "count", -1)),
        "find" => a => (long)s.IndexOf(a.GetString(0, "sub") ?? string.Empty, StringComparison.Ordinal),
        "rfind" => a => (long)s.LastIndexOf(a.GetString(0, "sub") ?? string.Empty, StringComparison.Ordinal),
        "count" => a => Count(s, a.GetString(0, "sub") ?? string.Empty),
        "join" => a => string.Join(s, JinjaOps.Iterate(a.Get(0, "iterable")).Select(JinjaOps.ToStr)),
        "isdigit" => _ => s.Length > 0 && s.All(char.IsDigit),
        "isalpha" => _ => s.Length > 0 && s.All(char.IsLetter),
        "isalnum" => _ => s.Length > 0 && s.All(char.IsLetterOrDigit),
        "isspace" => _ => s.Length > 0 && s.All(PythonText.IsSpace),
        "isupper" => _ => s.Any(char.IsLetter) && !s.Any(char.IsLower),
        "islower" => _ => s.Any(char.IsLetter) && !s.Any(char.IsUpper),
        "format" => a => Format(s, a),
        _ => null,
    };

    private static Func<JinjaArguments, object?>? DictMethod(OrderedDictionary<string, object?> dict, string name) => name switch
    {
        "get" => a => a.Get(0, "key") is string key && dict.TryGetValue(key, out var value) ? value : a.Get(1, "default"),
        "items" => _ => dict.Select(p => (object?)new object?[] { p.Key, p.Value }).ToList(),
        "keys" => _ => dict.Keys.Cast<object?>().ToList(),
        "values" => _ => dict.Values.ToList(),
        _ => null,
    };

    private static bool Affix(string s, object? affix, Func<string, string, bool> test) => affix switch
    {
        string one => test(s, one),
        IList<object?> many => many.Any(x => x is string one ? test(s, one) : throw new JinjaRuntimeException("tuple for startswith/endswith must only contain str")),
        _ => throw new JinjaRuntimeException($"startswith/endswith first arg must be str or a tuple of str, not {JinjaOps.TypeName(affix)}"),
    };

    private static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0)
        {
            return old.Length == 0 ? InsertEverywhere(s, replacement) : s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var builder = new StringBuilder();
        var position = 0;
        for (var done = 0L; done < count && old.Length > 0; done++)
        {
            var found = s.IndexOf(old, position, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            builder.Append(s, position, found - position).Append(replacement);
            position = found + old.Length;
        }

        return builder.Append(s, position, s.Length - position).ToString();
    }

    private static string InsertEverywhere(string s, string insert)
    {
        var builder = new StringBuilder(insert);
        foreach (var c in s)
        {
            builder.Append(c).Append(insert);
        }

        return builder.ToString();
    }

    private static long Count(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return s.Length + 1;
        }

        var count = 0L;
        for (var i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>str.format with "{}", "{0}" and "{name}" fields (no format specifications).</summary>
    private static string Format(string s, JinjaArguments arguments)
    {
        var builder = new StringBuilder();
        var next = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '{' && i + 1 < s.Length && s[i + 1] == '{')
            {
                builder.Append('{');
                i++;
            }
            else if (s[i] == '}' && i + 1 < s.Length && s[i + 1] == '}')
            {
                builder.Append('}');
                i++;
            }
            else if (s[i] == '{')
            {
                var close = s.IndexOf('}', i);
                var field = close < 0 ? throw new JinjaRuntimeException("Single '{' encountered in format string") : s[(i + 1)..close];
                if (field.Contains(':') || field.Contains('!'))
                {
                    throw new JinjaRuntimeException($"str.format field '{{{field}}}' with a conversion or format spec is not supported");
                }

                var value = field.Length == 0 ? arguments.Get(next++, "\0")
                    : long.TryParse(field, out var index) ? arguments.Get((int)index, "\0")
                    : arguments.Get(int.MaxValue, field, new JinjaUndefined($"format field '{field}'"));
                builder.Append(JinjaOps.ToStr(value));
                i = close;
            }
            else
            {
                builder.Append(s[i]);
            }
        }

        return builder.ToString();
    }
}

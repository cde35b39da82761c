using System.Net;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>Jinja's filters as transformers' chat-template environment has them (its own <c>tojson</c>, no autoescape).</summary>
public static class JinjaFilters
{
    private static readonly Dictionary<string, object?> _empty = [];

    private static readonly Dictionary<string, Func<object?, JinjaArguments, object?>> _filters = new(StringComparer.Ordinal)
    {
        ["trim"] = (v, a) => PythonText.Strip(JinjaOps.ToStr(v), a.GetString(0, "chars")),
        ["length"] = (v, _) => JinjaOps.Length(v),
        ["count"] = (v, _) => JinjaOps.Length(v),
        ["items"] = (v, _) => v is JinjaUndefined ? new List<object?>() : JinjaMethods.TryBind(v, "items", out var m) && v is OrderedDictionary<string, object?>
            ? m.Invoke([], _empty) : throw new JinjaRuntimeException($"items filter needs a mapping, got {JinjaOps.TypeName(v)}"),
        ["tojson"] = ToJson,
        ["string"] = (v, _) => JinjaOps.ToStr(v),
        ["upper"] = (v, _) => JinjaOps.ToStr(v).ToUpperInvariant(),
        ["lower"] = (v, _) => JinjaOps.ToStr(v).ToLowerInvariant(),
        ["title"] = (v, _) => PythonText.Title(JinjaOps.ToStr(v)),
        ["capitalize"] = (v, _) => PythonText.Capitalize(JinjaOps.ToStr(v)),
        ["replace"] = (v, a) => JinjaMethods.TryBind(JinjaOps.ToStr(v), "replace", out var m)
            ? m.Invoke([a.Get(0, "old"), a.Get(1, "new"), a.Get(2, "count", -1L)], _empty) : null,
        ["default"] = Default,
        ["d"] = Default,
        ["first"] = (v, _) => JinjaOps.Iterate(v) is { Count: > 0 } items ? items[0] : new JinjaUndefined("first item of an empty sequence"),
        ["last"] = (v, _) => JinjaOps.Iterate(v) is { Count: > 0 } items ? items[^1] : new JinjaUndefined("last item of an empty sequence"),
        ["list"] = (v, _) => JinjaOps.Iterate(v).ToList(),
        ["reverse"] = (v, _) => v is string s ? new string(s.Reverse().ToArray()) : JinjaOps.Iterate(v).Reverse().ToList(),
        ["unique"] = (v, _) => JinjaOps.Iterate(v).Aggregate(new List<object?>(), (acc, x) => { if (!acc.Any(y => JinjaOps.AreEqual(x, y))) { acc.Add(x); } return acc; }),
        ["join"] = (v, a) => string.Join(a.GetString(0, "d", string.Empty), JinjaOps.Iterate(v).Select(x => JinjaOps.ToStr(a.GetString(1, "attribute") is { } attr ? Attribute(x, attr) : x))),
        ["int"] = (v, a) => v switch
        {
            long l => l,
            bool b => b ? 1L : 0L,
            double d => (long)d,
            string s when long.TryParse(s.Trim(), out var l) => l,
            string s when double.TryParse(s.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var d) => (long)d,
            _ => a.Get(0, "default", 0L),
        },
        ["float"] = (v, a) => v switch
        {
            long or double or bool => JinjaOps.ToDouble(v),
            string s when double.TryParse(s.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
            _ => a.Get(0, "default", 0.0),
        },
        ["abs"] = (v, _) => v is double d ? Math.Abs(d) : (object)Math.Abs(JinjaOps.ToLong(v)),
        ["round"] = (v, a) => Math.Round(JinjaOps.ToDouble(v), (int)a.GetLong(0, "precision", 0), MidpointRounding.AwayFromZero),
        ["safe"] = (v, _) => v,
        ["e"] = (v, _) => WebUtility.HtmlEncode(JinjaOps.ToStr(v)),
        ["escape"] = (v, _) => WebUtility.HtmlEncode(JinjaOps.ToStr(v)),
        ["indent"] = Indent,
        ["selectattr"] = (v, a) => SelectAttribute(v, a, keep: true),
        ["rejectattr"] = (v, a) => SelectAttribute(v, a, keep: false),
        ["select"] = (v, a) => Select(v, a, keep: true),
        ["reject"] = (v, a) => Select(v, a, keep: false),
        ["map"] = Map,
        ["sort"] = Sort,
        ["dictsort"] = (v, a) => v is OrderedDictionary<string, object?> dict
            ? dict.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => (object?)new object?[] { p.Key, p.Value }).ToList()
            : throw new JinjaRuntimeException("dictsort needs a mapping"),
        ["sum"] = (v, a) => JinjaOps.Iterate(v).Aggregate(a.Get(1, "start", 0L), (acc, x) => JinjaArithmetic.Apply("+", acc, a.GetString(0, "attribute") is { } attr ? Attribute(x, attr) : x)),
        ["min"] = (v, _) => JinjaOps.Iterate(v).Aggregate((x, y) => JinjaOps.Compare(y, x) < 0 ? y : x),
        ["max"] = (v, _) => JinjaOps.Iterate(v).Aggregate((x, y) => JinjaOps.Compare(y, x) > 0 ? y : x),
        ["wordcount"] = (v, _) => (long)PythonText.Split(JinjaOps.ToStr(v), null, -1).Count,
    };

    public static bool Exists(string name) => _filters.ContainsKey(name);

    public static object? Apply(string name, object? value, JinjaArguments arguments)
    {
        if (!_filters.TryGetValue(name, out var filter))
        {
            throw new JinjaRuntimeException($"no filter named '{name}'");
        }

        return filter(value, arguments);
    }

    /// <summary>A dotted attribute path ("function.name") as selectattr/map/join read it: attribute, then item.</summary>
    private static object? Attribute(object? item, string path)
    {
        foreach (var part in path.Split('.'))
        {
            item = long.TryParse(part, out var index) ? JinjaOps.GetItem(item, index) : JinjaOps.GetItem(item, part);
        }

        return item;
    }

    /// <summary>transformers' tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False).</summary>
    private static object? ToJson(object? value, JinjaArguments arguments)
    {
        var separators = arguments.Get(2, "separators") as IList<object?>;
        return JinjaJson.Serialize(
            value,
            new JsonFormat(
                arguments.Get(1, "indent") is long indent ? (int)indent : null,
                arguments.GetBool(3, "sort_keys", false),
                arguments.GetBool(0, "ensure_ascii", false),
                separators is [string item, _] ? item : null,
                separators is [_, string key] ? key : null));
    }

    private static object? Default(object? value, JinjaArguments arguments)
    {
        var fallback = arguments.Get(0, "default_value", string.Empty);
        return value is JinjaUndefined || (arguments.GetBool(1, "boolean", false) && !JinjaOps.IsTrue(value)) ? fallback : value;
    }

    private static object? Indent(object? value, JinjaArguments arguments)
    {
        var width = arguments.Get(0, "width", 4L) is string w ? w : new string(' ', (int)JinjaOps.ToLong(arguments.Get(0, "width", 4L)));
        var first = arguments.GetBool(1, "first", false);
        var blank = arguments.GetBool(2, "blank", false);
        var lines = JinjaOps.ToStr(value).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if ((i > 0 || first) && (blank || lines[i].Length > 0))
            {
                lines[i] = width + lines[i];
            }
        }

        return string.Join('\n', lines);
    }

    private static List<object?> SelectAttribute(object? value, JinjaArguments arguments, bool keep)
    {
        var path = arguments.GetString(0, "attr") ?? throw new JinjaRuntimeException("selectattr/rejectattr need an attribute name");
        var test = arguments.GetString(1, "test");
        var rest = Enumerable.Range(2, Math.Max(0, arguments.Count - 2)).Select(i => arguments.Get(i, "\0")).ToList();
        return JinjaOps.Iterate(value).Where(item =>
        {
            var attribute = Attribute(item, path);
            var passed = test is null ? JinjaOps.IsTrue(attribute) : JinjaTests.Run(test, attribute, new JinjaArguments(test, rest, _empty));
            return passed == keep;
        }).ToList();
    }

    private static List<object?> Select(object? value, JinjaArguments arguments, bool keep)
    {
        var test = arguments.GetString(0, "test");
        var rest = Enumerable.Range(1, Math.Max(0, arguments.Count - 1)).Select(i => arguments.Get(i, "\0")).ToList();
        return JinjaOps.Iterate(value).Where(item =>
            (test is null ? JinjaOps.IsTrue(item) : JinjaTests.Run(test, item, new JinjaArguments(test, rest, _empty))) == keep).ToList();
    }

    private static List<object?> Map(object? value, JinjaArguments arguments)
    {
        if (arguments.GetString(int.MaxValue, "attribute") is { } path)
        {
            var fallback = arguments.Has(int.MaxValue, "default") ? arguments.Get(int.MaxValue, "default") : null;
            return JinjaOps.Iterate(value).Select(item =>
            {
                var attribute = Attribute(item, path);
                return attribute is JinjaUndefined && fallback is not null ? fallback : attribute;
            }).ToList();
        }

        var filter = arguments.GetString(0, "filter") ?? throw new JinjaRuntimeException("map needs a filter name or attribute=");
        var rest = Enumerable.Range(1, Math.Max(0, arguments.Count - 1)).Select(i => arguments.Get(i, "\0")).ToList();
        return JinjaOps.Iterate(value).Select(item => Apply(filter, item, new JinjaArguments(filter, rest, _empty))).ToList();
    }

    private static List<object?> Sort(object? value, JinjaArguments arguments)
    {
        var reverse = arguments.GetBool(0, "reverse", false);
        var caseSensitive = arguments.GetBool(1, "case_sensitive", false);
        var attribute = arguments.GetString(2, "attribute");
        object? Key(object? item)
        {
            var key = attribute is null ? item : Attribute(item, attribute);
            return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
        }

        var items = JinjaOps.Iterate(value).ToList();
        var sorted = items.Select((item, index) => (item, index)).ToList();
        sorted.Sort((x, y) =>
        {
            var order = JinjaOps.Compare(Key(x.item), Key(y.item));
            return order != 0 ? (reverse ? -order : order) : x.index.CompareTo(y.index);
        });
        return sorted.Select(p => p.item).ToList();
    }
}

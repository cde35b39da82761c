namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>Jinja's tests (<c>x is defined</c>, <c>x is string</c>, <c>x is divisibleby 3</c>...).</summary>
public static class JinjaTests
{
    private static readonly Dictionary<string, Func<object?, JinjaArguments, bool>> _tests = new(StringComparer.Ordinal)
    {
        ["defined"] = (v, _) => v is not JinjaUndefined,
        ["undefined"] = (v, _) => v is JinjaUndefined,
        ["none"] = (v, _) => v is null,
        ["string"] = (v, _) => v is string,
        ["number"] = (v, _) => v is long or double,
        ["integer"] = (v, _) => v is long,
        ["float"] = (v, _) => v is double,
        ["boolean"] = (v, _) => v is bool,
        ["true"] = (v, _) => v is true,
        ["false"] = (v, _) => v is false,
        ["mapping"] = (v, _) => v is OrderedDictionary<string, object?>,
        ["sequence"] = (v, _) => v is string or IList<object?> or OrderedDictionary<string, object?>,
        ["iterable"] = (v, _) => v is string or IList<object?> or OrderedDictionary<string, object?>,
        ["callable"] = (v, _) => v is JinjaCallable,
        ["odd"] = (v, _) => JinjaOps.ToLong(v) % 2 != 0,
        ["even"] = (v, _) => JinjaOps.ToLong(v) % 2 == 0,
        ["divisibleby"] = (v, a) => JinjaOps.ToLong(v) % JinjaOps.ToLong(a.Get(0, "num")) == 0,
        ["eq"] = (v, a) => JinjaOps.AreEqual(v, a.Get(0, "other")),
        ["equalto"] = (v, a) => JinjaOps.AreEqual(v, a.Get(0, "other")),
        ["=="] = (v, a) => JinjaOps.AreEqual(v, a.Get(0, "other")),
        ["ne"] = (v, a) => !JinjaOps.AreEqual(v, a.Get(0, "other")),
        ["!="] = (v, a) => !JinjaOps.AreEqual(v, a.Get(0, "other")),
        ["lt"] = (v, a) => JinjaOps.Compare(v, a.Get(0, "other")) < 0,
        ["lessthan"] = (v, a) => JinjaOps.Compare(v, a.Get(0, "other")) < 0,
        ["<"] = (v, a) => JinjaOps.Compare(v, a.Get(0, "other")) < 0,
        ["le"] = (v, a) => JinjaOps.Compare(v, a.Get(0, "other")) <= 0,
        ["<="] = (v, a) => JinjaOps.Compare(v, a.Get(0, "other")) <= 0,
        ["gt"] = (v, a) => JinjaOps.Compare(v, a.Get(0, "other")) > 0,
        ["greaterthan"] = (v, a) => JinjaOps.Compare(v, a.Get(0, "other")) > 0,
        [">"] = (v, a) => JinjaOps.Compare(v, a.Get(0, "other")) > 0,
        ["ge"] = (v, a) => JinjaOps.Compare(v, a.Get(0, "other")) >= 0,
        [">="] = (v, a) => JinjaOps.Compare(v, a.Get(0, "other")) >= 0,
        ["in"] = (v, a) => JinjaOps.Contains(a.Get(0, "seq"), v),
        ["sameas"] = (v, a) => ReferenceEquals(v, a.Get(0, "other")) || (v is bool or null && JinjaOps.AreEqual(v, a.Get(0, "other"))),
        ["lower"] = (v, _) => v is string s && s == s.ToLowerInvariant(),
        ["upper"] = (v, _) => v is string s && s == s.ToUpperInvariant(),
    };

    public static bool Exists(string name) => _tests.ContainsKey(name);

    public static bool Run(string name, object? value, JinjaArguments arguments)
    {
        if (!_tests.TryGetValue(name, out var test))
        {
            throw new JinjaRuntimeException($"no test named '{name}'");
        }

        return test(value, arguments);
    }
}

using Suite.Tokenizer.Core.Templates.Jinja;

namespace Suite.Tokenizer.Tests.Jinja;

/// <summary>Renders a template over one shared set of variables (given as JSON, as chat templates receive data).</summary>
internal static class JinjaTestContext
{
    public const string VariablesJson = """
        {
          "name": "World", "n": 7, "x": 2.5, "flag": true, "nothing": null, "empty": "", "spaced": "  padded \n",
          "words": ["b", "a", "c", "a"], "numbers": [3, 1, 2], "nested": {"a": {"b": "deep"}},
          "user": {"role": "user", "content": "Hi"},
          "messages": [
            {"role": "system", "content": "S"},
            {"role": "user", "content": "Q1"},
            {"role": "assistant", "content": "A1", "active": true},
            {"role": "user", "content": "Q2"}
          ],
          "tool": {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "n": 1, "x": 1.5, "ok": false, "none": null, "list": [1, "ü"]}}}
        }
        """;

    private static readonly IReadOnlyDictionary<string, object?> _variables =
        (OrderedDictionary<string, object?>)JinjaJson.Parse(VariablesJson)!;

    public static string Render(string template, TimeProvider? clock = null) => new JinjaTemplate(template).Render(_variables, clock);
}

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>Python-style argument binding for built-in filters, methods and globals: by position or by keyword.</summary>
public readonly struct JinjaArguments(string function, IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> keywords)
{
    public int Count => positional.Count;

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int index, string name, object? fallback = null)
    {
        if (index < positional.Count)
        {
            return positional[index];
        }

        return keywords.TryGetValue(name, out var value) ? value : fallback;
    }

    public bool Has(int index, string name) => index < positional.Count || keywords.ContainsKey(name);

    public string? GetString(int index, string name, string? fallback = null) => Get(index, name, fallback) switch
    {
        null or JinjaUndefined => fallback,
        string s => s,
        var other => throw new JinjaRuntimeException($"{function}() argument '{name}' must be str, not {JinjaOps.TypeName(other)}"),
    };

    public long GetLong(int index, string name, long fallback) => Get(index, name) switch
    {
        null or JinjaUndefined => fallback,
        var other => JinjaOps.ToLong(other),
    };

    public bool GetBool(int index, string name, bool fallback) => Get(index, name) switch
    {
        null or JinjaUndefined => fallback,
        var other => JinjaOps.IsTrue(other),
    };
}

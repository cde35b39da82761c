namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>The object <c>namespace(...)</c> makes: the one thing <c>{% set ns.x = ... %}</c> may change from inside a loop.</summary>
public sealed class JinjaNamespace
{
    public Dictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);
}

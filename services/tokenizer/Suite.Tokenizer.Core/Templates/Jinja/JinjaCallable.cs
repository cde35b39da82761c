namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>A function a template can call: a global (range, namespace...), a macro, or a method bound to its object.</summary>
public sealed class JinjaCallable(string name, Func<IReadOnlyList<object?>, IReadOnlyDictionary<string, object?>, object?> invoke)
{
    public string Name { get; } = name;

    public object? Invoke(IReadOnlyList<object?> arguments, IReadOnlyDictionary<string, object?> keywords) => invoke(arguments, keywords);

    public override string ToString() => $"<function {Name}>";
}

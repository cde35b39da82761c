namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>
/// Jinja's default Undefined: prints as nothing, is false, iterates as empty, and fails (naming what was missing)
/// when used any other way.
/// </summary>
public sealed class JinjaUndefined(string description)
{
    public string Description { get; } = description;

    public JinjaRuntimeException Error() => new($"{Description} is undefined");

    public override string ToString() => string.Empty;
}

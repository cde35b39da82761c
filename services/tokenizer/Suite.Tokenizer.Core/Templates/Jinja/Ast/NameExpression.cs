namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary>A variable reference; Undefined when nothing by that name is visible.</summary>
public sealed class NameExpression(string name) : JinjaExpression
{
    public string Name { get; } = name;

    public override object? Evaluate(JinjaScope scope) => scope.Get(Name);
}

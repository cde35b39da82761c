namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>target.name</c>.</summary>
public sealed class AttributeExpression(JinjaExpression target, string name) : JinjaExpression
{
    public JinjaExpression Target { get; } = target;

    public string Name { get; } = name;

    public override object? Evaluate(JinjaScope scope) => JinjaOps.GetAttribute(Target.Evaluate(scope), Name);
}

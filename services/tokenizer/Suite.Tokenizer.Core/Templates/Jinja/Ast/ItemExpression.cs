namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>target[key]</c>.</summary>
public sealed class ItemExpression(JinjaExpression target, JinjaExpression key) : JinjaExpression
{
    public JinjaExpression Target { get; } = target;

    public JinjaExpression Key { get; } = key;

    public override object? Evaluate(JinjaScope scope) => JinjaOps.GetItem(Target.Evaluate(scope), Key.Evaluate(scope));
}

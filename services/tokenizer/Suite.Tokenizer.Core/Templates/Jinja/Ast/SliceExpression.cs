namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>target[start:stop:step]</c>, each part optional.</summary>
public sealed class SliceExpression(JinjaExpression target, JinjaExpression? start, JinjaExpression? stop, JinjaExpression? step) : JinjaExpression
{
    public JinjaExpression Target { get; } = target;

    public override object? Evaluate(JinjaScope scope) =>
        JinjaOps.Slice(Target.Evaluate(scope), start?.Evaluate(scope), stop?.Evaluate(scope), step?.Evaluate(scope));
}

namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>a if condition else b</c>; without <c>else</c> the false case is Undefined.</summary>
public sealed class ConditionalExpression(JinjaExpression condition, JinjaExpression then, JinjaExpression? otherwise) : JinjaExpression
{
    public override object? Evaluate(JinjaScope scope) =>
        JinjaOps.IsTrue(condition.Evaluate(scope)) ? then.Evaluate(scope) : otherwise?.Evaluate(scope) ?? new JinjaUndefined("the else branch of a conditional expression");
}

namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>not x</c>, <c>-x</c>, <c>+x</c>.</summary>
public sealed class UnaryExpression(string op, JinjaExpression operand) : JinjaExpression
{
    public override object? Evaluate(JinjaScope scope)
    {
        var value = operand.Evaluate(scope);
        return op switch
        {
            "not" => !JinjaOps.IsTrue(value),
            "-" => JinjaArithmetic.Negate(value),
            _ => JinjaOps.IsNumber(value) ? value : throw new JinjaRuntimeException($"bad operand type for unary +: '{JinjaOps.TypeName(value)}'"),
        };
    }
}

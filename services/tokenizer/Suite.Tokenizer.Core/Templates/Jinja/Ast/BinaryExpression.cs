namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary>
/// <c>and</c>/<c>or</c> (short-circuit, giving an operand as Python does), <c>~</c> (concatenation of printed values),
/// <c>in</c>/<c>not in</c>, and arithmetic.
/// </summary>
public sealed class BinaryExpression(string op, JinjaExpression left, JinjaExpression right) : JinjaExpression
{
    public string Operator { get; } = op;

    public override object? Evaluate(JinjaScope scope)
    {
        var a = left.Evaluate(scope);
        switch (Operator)
        {
            case "and":
                return JinjaOps.IsTrue(a) ? right.Evaluate(scope) : a;
            case "or":
                return JinjaOps.IsTrue(a) ? a : right.Evaluate(scope);
        }

        var b = right.Evaluate(scope);
        return Operator switch
        {
            "~" => JinjaOps.ToStr(a) + JinjaOps.ToStr(b),
            "in" => JinjaOps.Contains(b, a),
            "not in" => !JinjaOps.Contains(b, a),
            _ => JinjaArithmetic.Apply(Operator, a, b),
        };
    }
}

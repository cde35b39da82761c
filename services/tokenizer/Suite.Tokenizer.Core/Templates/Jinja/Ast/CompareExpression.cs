namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>a == b</c>, <c>a &lt; b &lt;= c</c> (chains compare each neighbouring pair, as in Python).</summary>
public sealed class CompareExpression(JinjaExpression first, IReadOnlyList<(string Op, JinjaExpression Operand)> rest) : JinjaExpression
{
    public override object? Evaluate(JinjaScope scope)
    {
        var left = first.Evaluate(scope);
        foreach (var (op, operand) in rest)
        {
            var right = operand.Evaluate(scope);
            var holds = op switch
            {
                "==" => JinjaOps.AreEqual(left, right),
                "!=" => !JinjaOps.AreEqual(left, right),
                "<" => JinjaOps.Compare(left, right) < 0,
                "<=" => JinjaOps.Compare(left, right) <= 0,
                ">" => JinjaOps.Compare(left, right) > 0,
                _ => JinjaOps.Compare(left, right) >= 0,
            };
            if (!holds)
            {
                return false;
            }

            left = right;
        }

        return true;
    }
}

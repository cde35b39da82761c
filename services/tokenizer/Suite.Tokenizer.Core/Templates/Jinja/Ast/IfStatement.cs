namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>{% if %}...{% elif %}...{% else %}...{% endif %}</c>; no scope of its own.</summary>
public sealed class IfStatement(IReadOnlyList<(JinjaExpression Condition, IReadOnlyList<JinjaStatement> Body)> branches, IReadOnlyList<JinjaStatement> otherwise) : JinjaStatement
{
    public override JinjaFlow Execute(JinjaScope scope)
    {
        foreach (var (condition, body) in branches)
        {
            if (JinjaOps.IsTrue(condition.Evaluate(scope)))
            {
                return ExecuteAll(body, scope);
            }
        }

        return ExecuteAll(otherwise, scope);
    }
}

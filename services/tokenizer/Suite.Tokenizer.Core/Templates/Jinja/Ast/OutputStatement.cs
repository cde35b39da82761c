namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>{{ expression }}</c>: prints str(value); Undefined prints nothing.</summary>
public sealed class OutputStatement(JinjaExpression expression) : JinjaStatement
{
    public override JinjaFlow Execute(JinjaScope scope)
    {
        scope.Render.Output.Append(JinjaOps.ToStr(expression.Evaluate(scope)));
        return JinjaFlow.Normal;
    }
}

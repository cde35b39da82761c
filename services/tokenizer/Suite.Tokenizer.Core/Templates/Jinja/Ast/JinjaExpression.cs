namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary>An expression node: evaluates to a template value.</summary>
public abstract class JinjaExpression
{
    public abstract object? Evaluate(JinjaScope scope);
}

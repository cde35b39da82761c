namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary>A literal: string, number, true/false/none.</summary>
public sealed class ConstantExpression(object? value) : JinjaExpression
{
    public object? Value { get; } = value;

    public override object? Evaluate(JinjaScope scope) => Value;
}

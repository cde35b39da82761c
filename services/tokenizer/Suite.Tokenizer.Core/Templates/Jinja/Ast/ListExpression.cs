namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>[a, b]</c>, or <c>(a, b)</c> when <paramref name="tuple"/>.</summary>
public sealed class ListExpression(IReadOnlyList<JinjaExpression> items, bool tuple) : JinjaExpression
{
    public IReadOnlyList<JinjaExpression> Items { get; } = items;

    public bool IsTuple { get; } = tuple;

    public override object? Evaluate(JinjaScope scope)
    {
        var values = Items.Select(i => i.Evaluate(scope));
        return IsTuple ? values.ToArray() : values.ToList();
    }
}

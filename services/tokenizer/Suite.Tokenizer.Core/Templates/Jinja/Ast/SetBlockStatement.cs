namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>{% set name %}...{% endset %}</c>: the rendered body, optionally through filters, becomes the value.</summary>
public sealed class SetBlockStatement(string name, IReadOnlyList<FilterExpression> filters, IReadOnlyList<JinjaStatement> body) : JinjaStatement
{
    public override JinjaFlow Execute(JinjaScope scope)
    {
        object? value = JinjaCapture.Render(body, scope);
        foreach (var filter in filters)
        {
            value = filter.Apply(value, scope);
        }

        scope.Set(name, value);
        return JinjaFlow.Normal;
    }
}

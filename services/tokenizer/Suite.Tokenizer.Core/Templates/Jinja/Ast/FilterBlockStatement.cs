namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>{% filter name %}...{% endfilter %}</c>: the rendered body goes through the filters, then out.</summary>
public sealed class FilterBlockStatement(IReadOnlyList<FilterExpression> filters, IReadOnlyList<JinjaStatement> body) : JinjaStatement
{
    public override JinjaFlow Execute(JinjaScope scope)
    {
        object? value = JinjaCapture.Render(body, scope);
        foreach (var filter in filters)
        {
            value = filter.Apply(value, scope);
        }

        scope.Render.Output.Append(JinjaOps.ToStr(value));
        return JinjaFlow.Normal;
    }
}

namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>operand | name(arguments)</c>.</summary>
public sealed class FilterExpression(JinjaExpression operand, string name, IReadOnlyList<JinjaExpression> arguments, IReadOnlyList<(string Name, JinjaExpression Value)> keywords) : JinjaExpression
{
    public string Name { get; } = name;

    public override object? Evaluate(JinjaScope scope) => Apply(operand.Evaluate(scope), scope);

    /// <summary>Applies the filter to a value computed elsewhere (a {% filter %} block's output).</summary>
    public object? Apply(object? value, JinjaScope scope)
    {
        var positional = arguments.Select(a => a.Evaluate(scope)).ToList();
        var named = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, expression) in keywords)
        {
            named[key] = expression.Evaluate(scope);
        }

        return JinjaFilters.Apply(Name, value, new JinjaArguments(Name, positional, named));
    }
}

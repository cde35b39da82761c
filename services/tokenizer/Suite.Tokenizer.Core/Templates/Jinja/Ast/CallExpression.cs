namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>callee(arguments, name=value)</c>: a global, a macro or a bound method.</summary>
public sealed class CallExpression(JinjaExpression callee, IReadOnlyList<JinjaExpression> arguments, IReadOnlyList<(string Name, JinjaExpression Value)> keywords) : JinjaExpression
{
    public JinjaExpression Callee { get; } = callee;

    public IReadOnlyList<JinjaExpression> Arguments { get; } = arguments;

    public IReadOnlyList<(string Name, JinjaExpression Value)> Keywords { get; } = keywords;

    public override object? Evaluate(JinjaScope scope)
    {
        var callee = Callee.Evaluate(scope);
        var arguments = Arguments.Select(a => a.Evaluate(scope)).ToList();
        var keywords = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in Keywords)
        {
            keywords[name] = value.Evaluate(scope);
        }

        return callee switch
        {
            JinjaCallable function => function.Invoke(arguments, keywords),
            JinjaUndefined undefined => throw undefined.Error(),
            _ => throw new JinjaRuntimeException($"'{JinjaOps.TypeName(callee)}' object is not callable"),
        };
    }
}

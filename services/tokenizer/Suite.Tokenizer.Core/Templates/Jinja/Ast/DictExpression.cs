namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>{'key': value, ...}</c> with string keys.</summary>
public sealed class DictExpression(IReadOnlyList<(JinjaExpression Key, JinjaExpression Value)> pairs) : JinjaExpression
{
    public override object? Evaluate(JinjaScope scope)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            dict[key.Evaluate(scope) as string ?? throw new JinjaRuntimeException("dict keys must be strings here")] = value.Evaluate(scope);
        }

        return dict;
    }
}

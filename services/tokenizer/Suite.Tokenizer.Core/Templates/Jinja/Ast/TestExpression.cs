namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>operand is [not] name(arguments)</c>.</summary>
public sealed class TestExpression(JinjaExpression operand, string name, IReadOnlyList<JinjaExpression> arguments, bool negated) : JinjaExpression
{
    public string Name { get; } = name;

    public override object? Evaluate(JinjaScope scope)
    {
        var value = operand.Evaluate(scope);
        var positional = arguments.Select(a => a.Evaluate(scope)).ToList();
        var result = JinjaTests.Run(Name, value, new JinjaArguments(Name, positional, new Dictionary<string, object?>()));
        return result != negated;
    }
}

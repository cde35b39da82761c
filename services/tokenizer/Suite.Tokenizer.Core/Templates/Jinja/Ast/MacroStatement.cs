namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary>
/// <c>{% macro name(a, b=default) %}...{% endmacro %}</c>: defines a callable that renders its body in a new scope
/// (over the scope it was defined in) and returns the text.
/// </summary>
public sealed class MacroStatement(string name, IReadOnlyList<(string Name, JinjaExpression? Default)> parameters, IReadOnlyList<JinjaStatement> body) : JinjaStatement
{
    private const int MaxDepth = 64;

    public string Name { get; } = name;

    public override JinjaFlow Execute(JinjaScope scope)
    {
        scope.Set(Name, new JinjaCallable(Name, (arguments, keywords) => Call(scope, arguments, keywords)));
        return JinjaFlow.Normal;
    }

    private string Call(JinjaScope definition, IReadOnlyList<object?> arguments, IReadOnlyDictionary<string, object?> keywords)
    {
        if (arguments.Count > parameters.Count)
        {
            throw new JinjaRuntimeException($"macro '{Name}' takes not more than {parameters.Count} argument(s)");
        }

        var render = definition.Render;
        if (++render.Depth > MaxDepth)
        {
            throw new JinjaRuntimeException($"macro '{Name}' recursed more than {MaxDepth} levels");
        }

        try
        {
            var scope = definition.Child();
            for (var i = 0; i < parameters.Count; i++)
            {
                var (parameter, fallback) = parameters[i];
                scope.Set(parameter, i < arguments.Count ? arguments[i]
                    : keywords.TryGetValue(parameter, out var named) ? named
                    : fallback is not null ? fallback.Evaluate(definition)
                    : new JinjaUndefined($"macro argument '{parameter}'"));
            }

            return JinjaCapture.Render(body, scope);
        }
        finally
        {
            render.Depth--;
        }
    }
}

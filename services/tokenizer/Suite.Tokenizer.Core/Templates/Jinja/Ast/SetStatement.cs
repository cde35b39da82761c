namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>{% set x = v %}</c>, <c>{% set a, b = v %}</c>, or <c>{% set ns.attr = v %}</c> on a namespace.</summary>
public sealed class SetStatement(IReadOnlyList<string> targets, string? attribute, JinjaExpression value) : JinjaStatement
{
    public override JinjaFlow Execute(JinjaScope scope)
    {
        var result = value.Evaluate(scope);
        if (attribute is not null)
        {
            var target = scope.Get(targets[0]);
            if (target is not JinjaNamespace ns)
            {
                throw new JinjaRuntimeException($"cannot assign attribute on non-namespace object '{targets[0]}'");
            }

            ns.Values[attribute] = result;
            return JinjaFlow.Normal;
        }

        if (targets.Count == 1)
        {
            scope.Set(targets[0], result);
            return JinjaFlow.Normal;
        }

        var values = result as IList<object?> ?? throw new JinjaRuntimeException($"cannot unpack '{JinjaOps.TypeName(result)}'");
        if (values.Count != targets.Count)
        {
            throw new JinjaRuntimeException($"cannot unpack {values.Count} values into {targets.Count} names");
        }

        for (var i = 0; i < targets.Count; i++)
        {
            scope.Set(targets[i], values[i]);
        }

        return JinjaFlow.Normal;
    }
}

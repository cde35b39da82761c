namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary>
/// <c>{% for a[, b] in items [if condition] %}...{% else %}...{% endfor %}</c>: each iteration in a child scope with
/// <c>loop</c>; the filter runs before the loop, so loop.index and loop.length count only the kept items.
/// </summary>
public sealed class ForStatement(IReadOnlyList<string> targets, JinjaExpression iterable, JinjaExpression? filter, IReadOnlyList<JinjaStatement> body, IReadOnlyList<JinjaStatement> otherwise) : JinjaStatement
{
    public override JinjaFlow Execute(JinjaScope scope)
    {
        var items = JinjaOps.Iterate(iterable.Evaluate(scope));
        if (filter is not null)
        {
            items = items.Where(item =>
            {
                var probe = scope.Child();
                Bind(probe, item);
                return JinjaOps.IsTrue(filter.Evaluate(probe));
            }).ToList();
        }

        if (items.Count == 0)
        {
            return ExecuteAll(otherwise, scope);
        }

        var loop = new JinjaLoop(items);
        for (var i = 0; i < items.Count; i++)
        {
            loop.Index0 = i;
            var inner = scope.Child();
            inner.Set("loop", loop);
            Bind(inner, items[i]);
            if (ExecuteAll(body, inner) == JinjaFlow.Break)
            {
                break;
            }
        }

        return JinjaFlow.Normal;
    }

    private void Bind(JinjaScope scope, object? item)
    {
        if (targets.Count == 1)
        {
            scope.Set(targets[0], item);
            return;
        }

        var values = item as IList<object?> ?? throw new JinjaRuntimeException($"cannot unpack '{JinjaOps.TypeName(item)}' into {targets.Count} loop variables");
        if (values.Count != targets.Count)
        {
            throw new JinjaRuntimeException($"cannot unpack {values.Count} values into {targets.Count} loop variables");
        }

        for (var i = 0; i < targets.Count; i++)
        {
            scope.Set(targets[i], values[i]);
        }
    }
}

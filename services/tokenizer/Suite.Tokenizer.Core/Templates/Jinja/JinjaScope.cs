using System.Text;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>
/// Variables visible at one point of a render. A for loop or a macro call gets a child scope, so what they set stays
/// inside (Jinja's rule; templates use <c>namespace()</c> to carry state out of loops).
/// </summary>
public sealed class JinjaScope
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);
    private readonly JinjaScope? _parent;

    public JinjaScope(JinjaRender render)
    {
        Render = render;
    }

    private JinjaScope(JinjaScope parent)
    {
        _parent = parent;
        Render = parent.Render;
    }

    public JinjaRender Render { get; }

    public JinjaScope Child() => new(this);

    public object? Get(string name)
    {
        for (var scope = this; scope is not null; scope = scope._parent)
        {
            if (scope._variables.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return JinjaGlobals.TryGet(name, Render, out var global) ? global : new JinjaUndefined($"'{name}'");
    }

    public void Set(string name, object? value) => _variables[name] = value;
}

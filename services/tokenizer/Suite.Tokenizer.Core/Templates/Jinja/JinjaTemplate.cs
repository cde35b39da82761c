using Suite.Tokenizer.Core.Templates.Jinja.Ast;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>
/// A parsed Jinja template, ready to render many times (thread-safe: each render has its own scope and output).
/// Parsing refuses unsupported constructs, so a template that loads can only fail on its data.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<JinjaStatement> _body;

    /// <exception cref="JinjaSyntaxException">The template cannot be parsed or uses a construct this interpreter lacks.</exception>
    public JinjaTemplate(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        _body = JinjaParser.Parse(source);
    }

    public string Source { get; }

    /// <exception cref="JinjaRuntimeException">The template failed on this data, or called raise_exception.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var render = new JinjaRender(clock ?? TimeProvider.System);
        var scope = new JinjaScope(render);
        foreach (var (name, value) in variables)
        {
            scope.Set(name, value);
        }

        try
        {
            JinjaStatement.ExecuteAll(_body, scope);
        }
        catch (InvalidCastException e)
        {
            throw new JinjaRuntimeException(e.Message);
        }
        catch (OverflowException e)
        {
            throw new JinjaRuntimeException(e.Message);
        }

        return render.Output.ToString();
    }
}

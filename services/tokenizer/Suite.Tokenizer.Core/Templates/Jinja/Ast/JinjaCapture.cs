namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary>Renders statements into a string instead of the output (set blocks, filter blocks, macro calls).</summary>
public static class JinjaCapture
{
    public static string Render(IReadOnlyList<JinjaStatement> body, JinjaScope scope)
    {
        var output = scope.Render.Output;
        var start = output.Length;
        JinjaStatement.ExecuteAll(body, scope);
        var text = output.ToString(start, output.Length - start);
        output.Length = start;
        return text;
    }
}

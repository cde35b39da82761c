namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary>A statement node: writes to the render's output and may change the scope.</summary>
public abstract class JinjaStatement
{
    public abstract JinjaFlow Execute(JinjaScope scope);

    /// <summary>Runs statements in order; a break or continue stops the list and is passed up to the loop.</summary>
    public static JinjaFlow ExecuteAll(IReadOnlyList<JinjaStatement> body, JinjaScope scope)
    {
        foreach (var statement in body)
        {
            var flow = statement.Execute(scope);
            if (flow != JinjaFlow.Normal)
            {
                return flow;
            }
        }

        return JinjaFlow.Normal;
    }
}

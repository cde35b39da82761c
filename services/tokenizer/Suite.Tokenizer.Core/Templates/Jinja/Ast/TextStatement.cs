namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary>Template text outside tags.</summary>
public sealed class TextStatement(string text) : JinjaStatement
{
    public string Text { get; } = text;

    public override JinjaFlow Execute(JinjaScope scope)
    {
        scope.Render.Output.Append(Text);
        return JinjaFlow.Normal;
    }
}

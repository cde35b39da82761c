namespace Suite.Tokenizer.Core.Templates.Jinja.Ast;

/// <summary><c>{% break %}</c> or <c>{% continue %}</c>.</summary>
public sealed class LoopControlStatement(JinjaFlow flow) : JinjaStatement
{
    public override JinjaFlow Execute(JinjaScope scope) => flow;
}

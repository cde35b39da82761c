namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>How a statement ended: normally, or by {% break %} / {% continue %} (the loop control extension).</summary>
public enum JinjaFlow
{
    Normal,
    Break,
    Continue,
}

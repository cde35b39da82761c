namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>The kinds of token the Jinja lexer produces.</summary>
public enum JinjaTokenKind
{
    Text,
    BlockStart,
    BlockEnd,
    VariableStart,
    VariableEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
}

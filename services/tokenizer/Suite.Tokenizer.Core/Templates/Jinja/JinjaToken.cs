namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>One lexed token: its kind, its text (the unescaped value for strings) and the template line it starts on.</summary>
public readonly record struct JinjaToken(JinjaTokenKind Kind, string Value, int Line)
{
    public bool Is(JinjaTokenKind kind, string value) => Kind == kind && Value == value;

    public bool IsName(string name) => Kind == JinjaTokenKind.Name && Value == name;

    public bool IsOperator(string op) => Kind == JinjaTokenKind.Operator && Value == op;
}

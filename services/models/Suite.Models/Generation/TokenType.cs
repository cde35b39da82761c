namespace Suite.Models.Generation;

/// <summary>llama.cpp's token types in <c>tokenizer.ggml.token_type</c>.</summary>
public enum TokenType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

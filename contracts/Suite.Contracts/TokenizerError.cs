namespace Suite.Contracts;

/// <summary>A tokenizer request the client must fix (or a model it does not know), with the HTTP status to return.</summary>
public sealed record TokenizerError(int StatusCode, string Type, string Message, string? Param, string? Code);

namespace Suite.Contracts;

/// <summary>A tool the model may call: OpenAI's <c>tools[]</c> item (<c>type</c> is "function").</summary>
public sealed record ToolDefinition(string Type, FunctionDefinition Function);

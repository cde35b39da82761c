namespace Suite.Contracts;

/// <summary>The function a tool call invokes; <paramref name="Arguments"/> is a JSON text, as OpenAI sends it.</summary>
public sealed record ToolCallFunction(string Name, string Arguments);

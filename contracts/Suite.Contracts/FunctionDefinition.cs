namespace Suite.Contracts;

/// <summary>
/// A function tool: its name, description and JSON-schema parameters (<paramref name="ParametersJson"/> is the schema as
/// JSON text, null when the function takes none).
/// </summary>
public sealed record FunctionDefinition(string Name, string? Description, string? ParametersJson, bool? Strict = null);

namespace Suite.Gateway.StructuredOutput;

/// <summary>A JSON schema the suite cannot enforce exactly while decoding; the message names the keyword and where it is.</summary>
public sealed class SchemaNotSupportedException(string message) : Exception(message);

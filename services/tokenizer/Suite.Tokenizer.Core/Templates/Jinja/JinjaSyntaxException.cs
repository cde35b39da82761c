namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>A template that cannot be parsed, or that uses a construct this interpreter does not implement (named in the message).</summary>
public sealed class JinjaSyntaxException(string message) : Exception(message);

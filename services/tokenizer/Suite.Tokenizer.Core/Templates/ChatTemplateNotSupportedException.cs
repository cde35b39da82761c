namespace Suite.Tokenizer.Core.Templates;

/// <summary>
/// The model's chat template uses a Jinja construct the interpreter does not implement, or cannot be parsed. Thrown
/// when the model loads, naming the construct and its line, so a server never starts with a template it would
/// render wrongly.
/// </summary>
public sealed class ChatTemplateNotSupportedException(string message, Exception? inner = null) : Exception(message, inner);

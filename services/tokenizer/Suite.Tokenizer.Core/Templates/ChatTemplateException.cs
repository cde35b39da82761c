namespace Suite.Tokenizer.Core.Templates;

/// <summary>
/// The model's chat template refused or failed on a conversation (e.g. Gemma's "roles must alternate"). The message is
/// meant for the client: a 400, not a server error.
/// </summary>
public sealed class ChatTemplateException(string message, Exception? inner = null) : Exception(message, inner);

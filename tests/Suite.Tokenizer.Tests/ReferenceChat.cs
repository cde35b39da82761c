using Suite.Contracts;

namespace Suite.Tokenizer.Tests;

/// <summary>One conversation as the reference's apply_chat_template rendered and tokenized it.</summary>
internal sealed record ReferenceChat(IReadOnlyList<ChatMessage> Messages, bool AddGenerationPrompt, string Rendered, int[] Ids);

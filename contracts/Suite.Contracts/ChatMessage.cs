namespace Suite.Contracts;

/// <summary>One turn of a conversation, as the OpenAI chat API names it.</summary>
public sealed record ChatMessage(string Role, string Content);

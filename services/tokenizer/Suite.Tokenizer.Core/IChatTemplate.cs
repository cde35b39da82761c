using Suite.Contracts;

namespace Suite.Tokenizer.Core;

/// <summary>Renders chat messages into prompt text the way the model's own template does.</summary>
public interface IChatTemplate
{
    /// <summary>Which template family this is, e.g. "chatml", "llama3", "deepseek-v3".</summary>
    string Name { get; }

    /// <summary>Renders the conversation. Throws <see cref="ArgumentException"/> for a role the template cannot show.</summary>
    string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt);
}

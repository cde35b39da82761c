using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Core;

/// <summary>Renders a conversation into prompt text the way the model's own template does.</summary>
public interface IChatTemplate
{
    /// <summary>A short name for logs and health reports.</summary>
    string Name { get; }

    /// <summary>Whether the template writes tool definitions into the prompt (so a request with tools can be refused when not).</summary>
    bool RendersTools { get; }

    /// <summary>Whether the model reasons before answering (its template handles &lt;think&gt; or reasoning_content).</summary>
    bool Reasons { get; }

    /// <summary>Renders the conversation.</summary>
    /// <exception cref="ChatTemplateException">The template refused or failed on this conversation; the message is for the client.</exception>
    string Render(ChatTemplateInput input);
}

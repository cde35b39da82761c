using System.Text;
using Suite.Contracts;

namespace Suite.Tokenizer.Core.Chat;

/// <summary>
/// Llama 3: <c>&lt;|begin_of_text|&gt;</c>, then per message
/// <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n{content | trim}&lt;|eot_id|&gt;</c>, and the assistant
/// header as generation prompt.
/// </summary>
public sealed class Llama3ChatTemplate : IChatTemplate
{
    private readonly string _bos;

    public Llama3ChatTemplate(string template, string bosToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        _bos = bosToken;
    }

    public string Name => "llama3";

    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder(_bos);
        foreach (var message in messages)
        {
            if (message.Role is not ("system" or "user" or "assistant" or "ipython" or "tool"))
            {
                throw new ArgumentException($"The Llama 3 template cannot show role '{message.Role}'.", nameof(messages));
            }

            // The template applies Jinja's trim filter (Python str.strip: Unicode whitespace).
            text.Append("<|start_header_id|>").Append(message.Role).Append("<|end_header_id|>\n\n")
                .Append((message.Content ?? string.Empty).Trim()).Append("<|eot_id|>");
        }

        if (addGenerationPrompt)
        {
            text.Append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        }

        return text.ToString();
    }
}

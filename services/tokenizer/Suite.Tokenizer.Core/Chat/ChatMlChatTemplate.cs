using System.Text;
using System.Text.RegularExpressions;
using Suite.Contracts;

namespace Suite.Tokenizer.Core.Chat;

/// <summary>
/// ChatML (Qwen): <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per message and
/// <c>&lt;|im_start|&gt;assistant\n</c> as generation prompt. Qwen templates insert a default system message when the
/// conversation has none; its text is read from the template itself.
/// </summary>
public sealed partial class ChatMlChatTemplate : IChatTemplate
{
    private readonly string? _defaultSystem;

    public ChatMlChatTemplate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var match = DefaultSystemPattern().Match(template);
        _defaultSystem = match.Success ? match.Groups[1].Value.Replace("\\n", "\n", StringComparison.Ordinal) : null;
    }

    public string Name => "chatml";

    /// <summary>The system message used when the conversation has none, or null.</summary>
    public string? DefaultSystem => _defaultSystem;

    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        if (_defaultSystem is not null && (messages.Count == 0 || messages[0].Role != "system"))
        {
            text.Append("<|im_start|>system\n").Append(_defaultSystem).Append("<|im_end|>\n");
        }

        foreach (var message in messages)
        {
            if (message.Role is not ("system" or "user" or "assistant" or "tool"))
            {
                throw new ArgumentException($"The ChatML template cannot show role '{message.Role}'.", nameof(messages));
            }

            text.Append("<|im_start|>").Append(message.Role).Append('\n').Append(message.Content).Append("<|im_end|>\n");
        }

        if (addGenerationPrompt)
        {
            text.Append("<|im_start|>assistant\n");
        }

        return text.ToString();
    }

    [GeneratedRegex(@"'<\|im_start\|>system(?:\\n|\n)([^']*)<\|im_end\|>(?:\\n|\n)'")]
    private static partial Regex DefaultSystemPattern();
}

using System.Text;
using Suite.Contracts;

namespace Suite.Tokenizer.Core.Chat;

/// <summary>
/// DeepSeek V3 / R1: <c>{bos}{system prompts joined by \n\n}</c>, then <c>&lt;｜User｜&gt;content</c> and
/// <c>&lt;｜Assistant｜&gt;content&lt;｜end▁of▁sentence｜&gt;</c>, tool outputs wrapped in the tool-output markers, and
/// <c>&lt;｜Assistant｜&gt;</c> as generation prompt. R1 templates drop the reasoning (text up to <c>&lt;/think&gt;</c>)
/// from earlier assistant turns and may open the answer with <c>&lt;think&gt;\n</c>.
/// </summary>
public sealed class DeepSeekChatTemplate : IChatTemplate
{
    private const string User = "<｜User｜>";
    private const string Assistant = "<｜Assistant｜>";
    private readonly string _bos;
    private readonly string _eos;
    private readonly bool _stripThinking;
    private readonly string _generationPrompt;

    public DeepSeekChatTemplate(string template, string bosToken, string eosToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        _bos = bosToken;
        _eos = eosToken;
        _stripThinking = template.Contains("</think>", StringComparison.Ordinal);
        _generationPrompt = template.Contains("<｜Assistant｜><think>\\n", StringComparison.Ordinal)
            || template.Contains("<｜Assistant｜><think>\n", StringComparison.Ordinal)
            ? Assistant + "<think>\n"
            : Assistant;
        Name = _stripThinking ? "deepseek-r1" : "deepseek-v3";
    }

    public string Name { get; }

    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder(_bos);
        var firstSystem = true;
        foreach (var message in messages)
        {
            if (message.Role == "system")
            {
                text.Append(firstSystem ? string.Empty : "\n\n").Append(message.Content);
                firstSystem = false;
            }
        }

        var isTool = false;
        var isOutputFirst = true;
        foreach (var message in messages)
        {
            switch (message.Role)
            {
                case "system":
                    break;
                case "user":
                    isTool = false;
                    text.Append(User).Append(message.Content);
                    break;
                case "assistant":
                    var content = message.Content ?? string.Empty;
                    if (_stripThinking && content.Contains("</think>", StringComparison.Ordinal))
                    {
                        content = content[(content.LastIndexOf("</think>", StringComparison.Ordinal) + "</think>".Length)..];
                    }

                    text.Append(isTool ? "<｜tool▁outputs▁end｜>" : Assistant).Append(content).Append(_eos);
                    isTool = false;
                    break;
                case "tool":
                    text.Append(isOutputFirst ? "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>" : "\n<｜tool▁output▁begin｜>")
                        .Append(message.Content)
                        .Append("<｜tool▁output▁end｜>");
                    isOutputFirst = false;
                    isTool = true;
                    break;
                default:
                    throw new ArgumentException($"The DeepSeek chat template cannot show role '{message.Role}'.", nameof(messages));
            }
        }

        if (isTool)
        {
            text.Append("<｜tool▁outputs▁end｜>");
        }

        if (addGenerationPrompt && !isTool)
        {
            text.Append(_generationPrompt);
        }

        return text.ToString();
    }
}

namespace Suite.Tokenizer.Core.Chat;

/// <summary>
/// Picks the C# rendering of a model's Jinja chat template by distinctive substrings, like llama.cpp's
/// <c>llm_chat_detect_template</c>; no general Jinja engine is involved.
/// </summary>
public static class ChatTemplates
{
    /// <summary>
    /// The template family for <paramref name="template"/> (GGUF <c>tokenizer.chat_template</c> or tokenizer_config.json
    /// <c>chat_template</c>); null when the template is null or empty.
    /// </summary>
    /// <exception cref="NotSupportedException">The template is not one of the known families; the message quotes its start.</exception>
    public static IChatTemplate? FromTemplateString(string? template, string? bosToken, string? eosToken)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return null;
        }

        if (template.Contains("<｜Assistant｜>", StringComparison.Ordinal) && template.Contains("<｜User｜>", StringComparison.Ordinal))
        {
            return new DeepSeekChatTemplate(template, bosToken ?? "<｜begin▁of▁sentence｜>", eosToken ?? "<｜end▁of▁sentence｜>");
        }

        if (template.Contains("<|start_header_id|>", StringComparison.Ordinal) && template.Contains("<|end_header_id|>", StringComparison.Ordinal))
        {
            if (template.Contains("Cutting Knowledge Date", StringComparison.Ordinal))
            {
                // Llama 3.1+ always writes a dated system header (and tool blocks); rendering it as 3.0 would be wrong.
                throw new NotSupportedException(
                    $"Llama 3.1+ chat templates (with 'Cutting Knowledge Date') are not supported; only Llama 3.0's. It starts: \"{Start(template)}\"");
            }

            return new Llama3ChatTemplate(template, bosToken ?? "<|begin_of_text|>");
        }

        if (template.Contains("<|im_start|>", StringComparison.Ordinal))
        {
            return new ChatMlChatTemplate(template);
        }

        throw new NotSupportedException(
            $"Unknown chat template (supported: DeepSeek V3/R1, ChatML/Qwen, Llama 3). It starts: \"{Start(template)}\"");
    }

    private static string Start(string template) => template.Length > 120 ? template[..120] + "…" : template;
}

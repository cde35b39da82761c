using Suite.Tokenizer.Core.Bpe;

namespace Suite.Tokenizer.Core.Templates;

/// <summary>Builds the chat template a model ships (tokenizer_config.json or GGUF metadata).</summary>
public static class ChatTemplateFactory
{
    /// <summary>The template, or null when the model has none.</summary>
    /// <exception cref="ChatTemplateNotSupportedException">The template uses a construct the interpreter lacks; the message names it.</exception>
    public static IChatTemplate? Create(ChatTemplateSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return string.IsNullOrWhiteSpace(source.Template) ? null : new JinjaChatTemplate(source.Template, source.SpecialTokens);
    }
}

using Suite.Contracts;
using Suite.Tokenizer.Core;
using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Registry;

/// <summary>
/// Turns a generation input into prompt token IDs: chat messages through the model's own template, then encoding;
/// checks the result against the model's context. A prompt that cannot fit is refused as soon as encoding shows it,
/// so the work spent on it is bounded whatever its size. Errors carry what the client must read.
/// </summary>
public sealed class PromptEncoder(TokenizerRegistry registry)
{
    public EncodeResult Encode(string modelId, GenerationInput input, int? maxTokens, bool enforceContextLength = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!registry.TryGet(modelId, out var model))
        {
            return EncodeResult.Fail(new TokenizerError(404, "invalid_request_error", $"The model '{modelId}' does not exist.", "model", "model_not_found"));
        }

        var maxLength = registry.MaxModelLength(model);
        if (input.PromptTokens is { } given)
        {
            var vocabulary = model.Tokenizer.VocabularySize;
            var bad = Array.FindIndex(given, t => t < 0 || t >= vocabulary);
            if (bad >= 0)
            {
                return EncodeResult.Fail(new TokenizerError(400, "invalid_request_error", $"Token id {given[bad]} at prompt[{bad}] is outside the vocabulary (0..{vocabulary - 1}).", "prompt", "invalid_value"));
            }

            return CheckLength(given, maxLength, null, maxTokens, "prompt", enforceContextLength);
        }

        var what = input.Messages is null ? "prompt" : "messages";
        string text;
        string? rendered = null;
        var addSpecial = input.AddSpecialTokens;
        if (input.Messages is { } messages)
        {
            if (RenderChat(model, modelId, input, messages, out var chat) is { } error)
            {
                return EncodeResult.Fail(error);
            }

            text = rendered = chat;

            // The template already wrote BOS where the model wants it.
            addSpecial = false;
        }
        else
        {
            text = input.Prompt ?? string.Empty;
        }

        // Encoding stops once the prompt is past twice the context: the work spent on a prompt that cannot fit is then
        // bounded by the context, not by its size, and a prompt that overflows by less still gets its exact count.
        var countUpTo = enforceContextLength ? (int)Math.Min(int.MaxValue - 1, 2L * maxLength) : int.MaxValue;
        var encoded = model.Tokenizer.Encode(text, addSpecial, countUpTo);
        if (!encoded.Complete)
        {
            var message = maxTokens is null
                ? $"This model's maximum context length is {maxLength} tokens. However, your {what} resulted in more than {countUpTo} tokens (counting stopped there). Please reduce the length of the {what}."
                : $"This model's maximum context length is {maxLength} tokens. However, you requested more than {(long)countUpTo + maxTokens} tokens (more than {countUpTo} in the {what}, {maxTokens} in the completion). Please reduce the length of the {what} or completion.";
            return EncodeResult.Fail(new TokenizerError(400, "invalid_request_error", message, what, "context_length_exceeded"));
        }

        return CheckLength(encoded.Tokens, maxLength, rendered, maxTokens, what, enforceContextLength);
    }

    /// <summary>Renders the conversation with the model's template; the client's error when it cannot.</summary>
    private static TokenizerError? RenderChat(ModelTokenizer model, string modelId, GenerationInput input, IReadOnlyList<ChatMessage> messages, out string rendered)
    {
        rendered = string.Empty;
        var template = model.Tokenizer.ChatTemplate;
        if (template is null)
        {
            return new TokenizerError(400, "invalid_request_error", $"The model '{modelId}' has no chat template; use /v1/completions with a prompt.", "messages", "chat_template_missing");
        }

        if (input.Tools is { Count: > 0 } && !template.RendersTools)
        {
            return new TokenizerError(400, "invalid_request_error", $"The chat template of '{modelId}' does not show tool definitions to the model, so tools cannot be used with it.", "tools", "tools_not_supported");
        }

        try
        {
            rendered = template.Render(new ChatTemplateInput(messages, input.AddGenerationPrompt, input.Tools));
            return null;
        }
        catch (ChatTemplateException e)
        {
            return new TokenizerError(400, "invalid_request_error", e.Message, "messages", "chat_template_error");
        }
    }

    private static EncodeResult CheckLength(int[] tokens, int maxLength, string? rendered, int? maxTokens, string what, bool enforce)
    {
        if (enforce && tokens.Length == 0)
        {
            return EncodeResult.Fail(new TokenizerError(400, "invalid_request_error", $"The {what} is empty: it produced no tokens.", what, "empty_prompt"));
        }

        var requested = tokens.Length + (maxTokens ?? 0);
        if (enforce && (tokens.Length >= maxLength || (maxTokens is not null && requested > maxLength)))
        {
            var message = maxTokens is null
                ? $"This model's maximum context length is {maxLength} tokens. However, your {what} resulted in {tokens.Length} tokens. Please reduce the length of the {what}."
                : $"This model's maximum context length is {maxLength} tokens. However, you requested {requested} tokens ({tokens.Length} in the {what}, {maxTokens} in the completion). Please reduce the length of the {what} or completion.";
            return EncodeResult.Fail(new TokenizerError(400, "invalid_request_error", message, what, "context_length_exceeded"));
        }

        return new EncodeResult(tokens, maxLength, rendered, null);
    }
}

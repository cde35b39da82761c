using Suite.Contracts;

namespace Suite.Tokenizer.Registry;

/// <summary>
/// Turns a generation input into prompt token IDs: chat messages through the model's template, then encoding; checks
/// the result against the model's context. Errors carry what the client must read.
/// </summary>
public sealed class PromptEncoder(TokenizerRegistry registry)
{
    public EncodeResult Encode(string modelId, GenerationInput input, int? maxTokens, bool enforceContextLength = true)
    {
        if (!registry.TryGet(modelId, out var model))
        {
            return EncodeResult.Fail(new TokenizerError(404, "invalid_request_error", $"The model '{modelId}' does not exist.", "model", "model_not_found"));
        }

        if (input.PromptTokens is { } given)
        {
            var vocabulary = model.Tokenizer.VocabularySize;
            var bad = Array.FindIndex(given, t => t < 0 || t >= vocabulary);
            if (bad >= 0)
            {
                return EncodeResult.Fail(new TokenizerError(400, "invalid_request_error", $"Token id {given[bad]} at prompt[{bad}] is outside the vocabulary (0..{vocabulary - 1}).", "prompt", "invalid_value"));
            }

            return CheckLength(model, given, null, maxTokens, "prompt", enforceContextLength);
        }

        string text;
        string? rendered = null;
        var addSpecial = input.AddSpecialTokens;
        if (input.Messages is { } messages)
        {
            var template = model.Tokenizer.ChatTemplate;
            if (template is null)
            {
                return EncodeResult.Fail(new TokenizerError(400, "invalid_request_error", $"The model '{modelId}' has no chat template; use /v1/completions with a prompt.", "messages", "chat_template_missing"));
            }

            try
            {
                text = rendered = template.Render(messages, input.AddGenerationPrompt);
            }
            catch (ArgumentException e)
            {
                return EncodeResult.Fail(new TokenizerError(400, "invalid_request_error", e.Message, "messages", null));
            }

            // The template already wrote BOS where the model wants it.
            addSpecial = false;
        }
        else
        {
            text = input.Prompt ?? string.Empty;
        }

        int[] tokens;
        try
        {
            tokens = model.Tokenizer.Encode(text, addSpecial);
        }
        catch (ArgumentException e)
        {
            return EncodeResult.Fail(new TokenizerError(400, "invalid_request_error", e.Message, input.Messages is null ? "prompt" : "messages", null));
        }

        return CheckLength(model, tokens, rendered, maxTokens, input.Messages is null ? "prompt" : "messages", enforceContextLength);
    }

    private EncodeResult CheckLength(ModelTokenizer model, int[] tokens, string? rendered, int? maxTokens, string what, bool enforce)
    {
        var maxLength = registry.MaxModelLength(model);
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

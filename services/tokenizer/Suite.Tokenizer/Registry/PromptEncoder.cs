using Suite.Contracts;
using Suite.ServiceDefaults.Errors;

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
            return EncodeResult.Fail(PipelineErrors.ModelNotFound(modelId));
        }

        if (input.PromptTokens is { } given)
        {
            var vocabulary = model.Tokenizer.VocabularySize;
            var bad = Array.FindIndex(given, t => t < 0 || t >= vocabulary);
            if (bad >= 0)
            {
                return EncodeResult.Fail(PipelineErrors.TokenOutsideVocabulary(given[bad], $"prompt[{bad}]", vocabulary, "prompt"));
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
                return EncodeResult.Fail(PipelineErrors.NoChatTemplate(modelId));
            }

            try
            {
                text = rendered = template.Render(messages, input.AddGenerationPrompt);
            }
            catch (ArgumentException e)
            {
                return EncodeResult.Fail(PipelineErrors.Invalid(e.Message, "messages"));
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
            return EncodeResult.Fail(PipelineErrors.Invalid(e.Message, input.Messages is null ? "prompt" : "messages"));
        }

        return CheckLength(model, tokens, rendered, maxTokens, input.Messages is null ? "prompt" : "messages", enforceContextLength);
    }

    private EncodeResult CheckLength(ModelTokenizer model, int[] tokens, string? rendered, int? maxTokens, string what, bool enforce)
    {
        var maxLength = registry.MaxModelLength(model);
        if (enforce && tokens.Length == 0)
        {
            return EncodeResult.Fail(PipelineErrors.EmptyPrompt(what));
        }

        // In 64 bits: a max_tokens near int.MaxValue must be refused, not overflow into a small sum.
        var requested = tokens.Length + (long)(maxTokens ?? 0);
        if (enforce && (tokens.Length >= maxLength || (maxTokens is not null && requested > maxLength)))
        {
            return EncodeResult.Fail(PipelineErrors.ContextLengthExceeded(maxLength, tokens.Length, maxTokens, what));
        }

        return new EncodeResult(tokens, maxLength, rendered, null);
    }
}

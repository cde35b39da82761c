using Suite.Contracts;
using Suite.ServiceDefaults.Errors;
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
    public EncodeResult Encode(string modelId, GenerationInput input, int? maxTokens, bool enforceContextLength = true, IReadOnlyList<TokenBias>? logitBias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!registry.TryGet(modelId, out var model))
        {
            return EncodeResult.Fail(PipelineErrors.ModelNotFound(modelId));
        }

        var maxLength = registry.MaxModelLength(model);
        if (logitBias is not null && logitBias.FirstOrDefault(b => (uint)b.Token >= (uint)model.Tokenizer.VocabularySize) is { } outside)
        {
            // Checked here, before any encoding: the tokenizer is the first service that knows the model's vocabulary.
            return EncodeResult.Fail(PipelineErrors.TokenOutsideVocabulary(outside.Token, "logit_bias", model.Tokenizer.VocabularySize, "logit_bias"));
        }

        if (input.PromptTokens is { } given)
        {
            var vocabulary = model.Tokenizer.VocabularySize;
            var bad = Array.FindIndex(given, t => t < 0 || t >= vocabulary);
            if (bad >= 0)
            {
                return EncodeResult.Fail(PipelineErrors.TokenOutsideVocabulary(given[bad], $"prompt[{bad}]", vocabulary, "prompt"));
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
            return EncodeResult.Fail(PipelineErrors.ContextLengthExceededCountingStopped(maxLength, countUpTo, maxTokens, what));
        }

        return CheckLength(encoded.Tokens, maxLength, rendered, maxTokens, what, enforceContextLength);
    }

    /// <summary>Renders the conversation with the model's template; the client's error when it cannot.</summary>
    private static PipelineError? RenderChat(ModelTokenizer model, string modelId, GenerationInput input, IReadOnlyList<ChatMessage> messages, out string rendered)
    {
        rendered = string.Empty;
        var template = model.Tokenizer.ChatTemplate;
        if (template is null)
        {
            return PipelineErrors.NoChatTemplate(modelId);
        }

        if (input.Tools is { Count: > 0 } && !template.RendersTools)
        {
            return PipelineErrors.ToolsNotSupported(modelId);
        }

        try
        {
            rendered = template.Render(new ChatTemplateInput(messages, input.AddGenerationPrompt, input.Tools));
            return null;
        }
        catch (ChatTemplateException e)
        {
            return PipelineErrors.ChatTemplateFailed(e.Message);
        }
    }

    private static EncodeResult CheckLength(int[] tokens, int maxLength, string? rendered, int? maxTokens, string what, bool enforce)
    {
        if (enforce && tokens.Length == 0)
        {
            return EncodeResult.Fail(PipelineErrors.EmptyPrompt(what));
        }

        // In 64 bits: prompt tokens plus a max_tokens near int.MaxValue overflow 32-bit arithmetic and pass the check.
        var requested = (long)tokens.Length + (maxTokens ?? 0);
        if (enforce && (tokens.Length >= maxLength || (maxTokens is not null && requested > maxLength)))
        {
            return EncodeResult.Fail(PipelineErrors.ContextLengthExceeded(maxLength, tokens.Length, maxTokens, what));
        }

        return new EncodeResult(tokens, maxLength, rendered, null);
    }

    /// <summary>
    /// The limits a request is routed with: one that names no <c>max_tokens</c> but carries the gateway's default cap
    /// gets the smaller of that cap and the room its prompt leaves in the context.
    /// </summary>
    public static GenerationLimits Resolve(GenerationLimits limits, int promptTokens, int maxModelLength)
    {
        if (limits.MaxTokens is not null || limits.DefaultMaxTokens is not { } cap)
        {
            return limits;
        }

        return limits with { MaxTokens = Math.Max(1, Math.Min(cap, maxModelLength - promptTokens)) };
    }
}

using MassTransit;
using Suite.Contracts;
using Suite.ServiceDefaults.Errors;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Consumers;

/// <summary>Answers /tokenize and /detokenize requests.</summary>
public sealed class TokenizeConsumer(PromptEncoder encoder, TokenizerRegistry registry) : IConsumer<TokenizeText>, IConsumer<DetokenizeTokens>
{
    public Task Consume(ConsumeContext<TokenizeText> context)
    {
        // /tokenize reports the count even when it would not fit; the limit applies to generation.
        var result = encoder.Encode(context.Message.Model, context.Message.Input, maxTokens: null, enforceContextLength: false);
        return result.Error is { } error
            ? context.RespondAsync(error)
            : context.RespondAsync(new TextTokenized(result.Tokens, result.MaxModelLength, result.RenderedPrompt));
    }

    public Task Consume(ConsumeContext<DetokenizeTokens> context)
    {
        var request = context.Message;
        if (!registry.TryGet(request.Model, out var model))
        {
            return context.RespondAsync(PipelineErrors.ModelNotFound(request.Model));
        }

        var vocabulary = model.Tokenizer.VocabularySize;
        foreach (var token in request.Tokens)
        {
            if (token < 0 || token >= vocabulary)
            {
                return context.RespondAsync(PipelineErrors.TokenOutsideVocabulary(token, "tokens", vocabulary, "tokens"));
            }
        }

        return context.RespondAsync(new TokensDetokenized(model.Tokenizer.Decode(request.Tokens, request.SkipSpecialTokens)));
    }
}

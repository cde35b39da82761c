using MassTransit;
using Suite.Contracts;
using Suite.ServiceDefaults.Errors;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Consumers;

/// <summary>Answers /tokenize and /detokenize requests.</summary>
public sealed class TokenizeConsumer(PromptEncoder encoder, TokenizationLanes lanes, TokenizerRegistry registry) : IConsumer<TokenizeText>, IConsumer<DetokenizeTokens>
{
    public async Task Consume(ConsumeContext<TokenizeText> context)
    {
        // /tokenize reports the count even when it would not fit; the limit applies to generation. So a large text is
        // encoded whole, in the large-input lane.
        var input = context.Message.Input;
        var result = await lanes.RunAsync(
            TokenizationLanes.Size(input),
            () => encoder.Encode(context.Message.Model, input, maxTokens: null, enforceContextLength: false),
            context.CancellationToken).ConfigureAwait(false);
        await (result.Error is { } error
            ? context.RespondAsync(error)
            : context.RespondAsync(new TextTokenized(result.Tokens, result.MaxModelLength, result.RenderedPrompt))).ConfigureAwait(false);
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

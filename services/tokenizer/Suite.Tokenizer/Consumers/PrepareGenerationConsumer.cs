using MassTransit;
using Suite.Contracts;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Consumers;

/// <summary>Renders and encodes a request once, then hands the token IDs to the router (or the error to the client).</summary>
public sealed class PrepareGenerationConsumer(PromptEncoder encoder) : IConsumer<PrepareGeneration>
{
    private static readonly Uri RouterAddress = QueueNames.Address(QueueNames.Router);

    public async Task Consume(ConsumeContext<PrepareGeneration> context)
    {
        var request = context.Message;
        var result = encoder.Encode(request.Model, request.Input, request.Limits.MaxTokens);
        if (result.Error is { } error)
        {
            var reply = await context.GetSendEndpoint(request.ReplyAddress).ConfigureAwait(false);
            await reply.Send(new GenerationFailed(request.RequestId, error.StatusCode, error.Type, error.Message, error.Param, error.Code, null, null)).ConfigureAwait(false);
            return;
        }

        var router = await context.GetSendEndpoint(RouterAddress).ConfigureAwait(false);
        await router.Send(new RouteGeneration(
            request.RequestId,
            request.Model,
            result.Tokens,
            request.Sampling,
            request.Limits,
            request.ReplyAddress,
            request.Priority,
            request.AcceptedAt,
            request.Continuation)).ConfigureAwait(false);
    }
}

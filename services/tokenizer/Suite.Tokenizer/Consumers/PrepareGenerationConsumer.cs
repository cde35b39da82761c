using MassTransit;
using Suite.Contracts;
using Suite.ServiceDefaults.Bus.HotPath;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Consumers;

/// <summary>Renders and encodes a request once, then hands the token IDs to the router (or the error to the client).</summary>
public sealed class PrepareGenerationConsumer(PromptEncoder encoder, TokenizationLanes lanes, IPipelineSender sender, PipelineAddresses addresses) : IConsumer<PrepareGeneration>, IPipelineHandler<PrepareGeneration>
{
    public Task Consume(ConsumeContext<PrepareGeneration> context) => HandleAsync(context.Message, context.CancellationToken);

    public async Task HandleAsync(PrepareGeneration request, CancellationToken cancellationToken)
    {
        var result = await lanes.RunAsync(
            TokenizationLanes.Size(request.Input),
            () => encoder.Encode(request.Model, request.Input, request.Limits.MaxTokens),
            cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            await sender.SendAsync(request.ReplyAddress, new GenerationFailed(request.RequestId, error.StatusCode, error.Type, error.Message, error.Param, error.Code, null, null), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        await sender.SendAsync(addresses.Router, new RouteGeneration(
            request.RequestId,
            request.Model,
            result.Tokens,
            request.Sampling,
            request.Limits,
            request.ReplyAddress,
            request.Priority,
            request.AcceptedAt,
            request.Continuation), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

using Suite.Contracts;
using Suite.ServiceDefaults.Pipeline;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Handlers;

/// <summary>Renders and encodes a request once, then hands the token IDs to the router (or the error to the client).</summary>
public sealed class PrepareGenerationHandler(PromptEncoder encoder, IPipelineSender sender) : IPipelineHandler<PrepareGeneration>
{
    public async Task HandleAsync(PrepareGeneration request, CancellationToken cancellationToken)
    {
        var result = encoder.Encode(request.Model, request.Input, request.Limits.MaxTokens);
        if (result.Error is { } error)
        {
            await sender.SendAsync(request.ReplyAddress, new GenerationFailed(request.RequestId, error, null), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        await sender.SendAsync(PipelineAddresses.Router, new RouteGeneration(
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

using Suite.Contracts;
using Suite.ServiceDefaults.Pipeline;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Handlers;

/// <summary>
/// Renders and encodes a request once, then hands the token IDs to the router (or the error to the client). A request
/// held for admission goes back to the gateway instead, which routes it once its token limits admit it.
/// </summary>
public sealed class PrepareGenerationHandler(PromptEncoder encoder, TokenizationLanes lanes, IPipelineSender sender) : IPipelineHandler<PrepareGeneration>
{
    private static readonly System.Diagnostics.ActivitySource Source = new("Suite.Tokenizer");

    public async Task HandleAsync(PrepareGeneration request, CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity($"tokenize {request.Model}");
        var result = await lanes.RunAsync(
            TokenizationLanes.Size(request.Input),
            () => encoder.Encode(request.Model, request.Input, request.Limits.MaxTokens, logitBias: request.Sampling.LogitBias),
            cancellationToken).ConfigureAwait(false);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.request.model", request.Model);
            activity.SetTag("gen_ai.usage.input_tokens", result.Tokens.Length);
            activity.SetTag("suite.attempt", request.Continuation.Attempt);
        }

        if (result.Error is { } error)
        {
            activity?.SetTag("error.type", error.Code ?? error.Type);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error.Message);
            await sender.SendAsync(request.ReplyAddress, new GenerationFailed(request.RequestId, error, null), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        var route = new RouteGeneration(
            request.RequestId,
            request.Model,
            result.Tokens,
            request.Sampling,
            PromptEncoder.Resolve(request.Limits, result.Tokens.Length, result.MaxModelLength),
            request.ReplyAddress,
            request.Priority,
            request.AcceptedAt,
            request.Continuation,
            request.Placement);
        if (request.HoldForAdmission)
        {
            await sender.SendAsync(request.ReplyAddress, new GenerationPrepared(request.RequestId, route), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        await sender.SendAsync(PipelineAddresses.Router, route, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

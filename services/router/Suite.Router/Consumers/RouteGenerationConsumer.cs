using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Router.Policy;
using Suite.Router.Registry;
using Suite.ServiceDefaults.Bus.HotPath;

namespace Suite.Router.Consumers;

/// <summary>
/// Picks a worker for a tokenized request and sends it there, with the decision (policy, predicted time to first
/// token, cached prefix, runner-up) that the worker echoes back and a debug log line tells. With no live worker for the
/// model: 404 if the model was never served, else 503 with Retry-After.
/// </summary>
public sealed partial class RouteGenerationConsumer(
    WorkerRegistry registry,
    RouteDecider decider,
    IOptions<RouterOptions> options,
    IPipelineSender sender,
    ILogger<RouteGenerationConsumer> logger) : IConsumer<RouteGeneration>, IPipelineHandler<RouteGeneration>
{
    public Task Consume(ConsumeContext<RouteGeneration> context) => HandleAsync(context.Message, context.CancellationToken);

    public async Task HandleAsync(RouteGeneration request, CancellationToken cancellationToken)
    {
        var generated = request.Continuation.GeneratedTokens;
        int[] tokens = generated.Length == 0 ? request.PromptTokens : [.. request.PromptTokens, .. generated];
        var (worker, decision, candidates) = decider.Decide(request.Model, tokens, request.Priority, request.Limits.MaxTokens, request.Continuation.ExcludedWorkers);
        if (worker is null || decision is null)
        {
            var failure = candidates > 0
                ? Failed(request, 503, "service_unavailable", $"Every worker serving '{request.Model}' is at capacity; retry shortly.", "overloaded")
                : registry.IsKnownModel(request.Model)
                    ? Failed(request, 503, "service_unavailable", $"No worker serving '{request.Model}' is up right now; retry shortly.", "no_worker")
                    : new GenerationFailed(request.RequestId, 404, "invalid_request_error", $"The model '{request.Model}' does not exist.", "model", "model_not_found", null, null);
            await sender.SendAsync(request.ReplyAddress, failure, cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            LogDecision(logger, request.RequestId, decision.Policy, decision.WorkerId, decision.PredictedTtftSeconds * 1000, decision.CachedTokens, tokens.Length, decision.RunnerUpWorkerId ?? "none", (decision.RunnerUpTtftSeconds ?? double.NaN) * 1000);
        }

        await sender.SendAsync(worker.Heartbeat.Address, new GenerateTokens(
            request.RequestId,
            request.Model,
            request.PromptTokens,
            request.Sampling,
            request.Limits,
            request.ReplyAddress,
            request.Priority,
            request.AcceptedAt,
            DateTimeOffset.UtcNow,
            request.Continuation,
            decision), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private GenerationFailed Failed(RouteGeneration request, int status, string type, string message, string code)
        => new(request.RequestId, status, type, message, null, code, options.Value.RetryAfterSeconds, null);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Routed {RequestId} by {Policy} to {Worker}: predicted TTFT {PredictedMs:0.###} ms, {Cached}/{Prompt} prompt tokens cached; runner-up {RunnerUp} at {RunnerUpMs:0.###} ms")]
    private static partial void LogDecision(ILogger logger, Guid requestId, string policy, string worker, double predictedMs, int cached, int prompt, string runnerUp, double runnerUpMs);
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Router.Policy;
using Suite.Router.Registry;
using Suite.ServiceDefaults.Errors;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.Router.Handlers;

/// <summary>
/// Picks a worker for a tokenized request and sends it there, with the decision (policy, predicted time to first
/// token, cached prefix, runner-up) that the worker echoes back, a debug log line tells and the route span records.
/// With no live worker for the model: 404 if the model was never served, else 503 with Retry-After; with live workers
/// but none inside the request's placement, 503 naming the placement; with a grammar or logit biases and live workers
/// none of which can constrain sampling (simulated ones), 400 naming their backends.
/// </summary>
public sealed partial class RouteGenerationHandler(
    WorkerRegistry registry,
    RouteDecider decider,
    IOptions<RouterOptions> options,
    IPipelineSender sender,
    ILogger<RouteGenerationHandler> logger) : IPipelineHandler<RouteGeneration>
{
    private static readonly ActivitySource Source = new("Suite.Router");

    public async Task HandleAsync(RouteGeneration request, CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity($"route {request.Model}");
        var generated = request.Continuation.GeneratedTokens;
        int[] tokens = generated.Length == 0 ? request.PromptTokens : [.. request.PromptTokens, .. generated];
        var (worker, decision, candidates) = decider.Decide(request.Model, tokens, request.Priority, request.Limits.MaxTokens, request.Continuation.ExcludedWorkers, request.Placement, request.Sampling.IsConstrained);
        if (worker is null && !registry.IsWarm)
        {
            // Just started: the worker for this request may only be one heartbeat away.
            await registry.WhenWarmAsync(cancellationToken).ConfigureAwait(false);
            (worker, decision, candidates) = decider.Decide(request.Model, tokens, request.Priority, request.Limits.MaxTokens, request.Continuation.ExcludedWorkers, request.Placement, request.Sampling.IsConstrained);
        }

        if (worker is null || decision is null)
        {
            var retryAfter = options.Value.RetryAfterSeconds;
            var live = registry.LiveWorkers(request.Model).Where(w => request.Placement?.Allows(w.Heartbeat.Pool, w.Heartbeat.Backend) ?? true).ToList();
            var error = candidates > 0
                ? PipelineErrors.FleetAtCapacity(request.Model, retryAfter)
                : request.Sampling.IsConstrained && live.Count > 0 && live.All(w => !w.Heartbeat.ConstrainedDecoding)
                    ? PipelineErrors.NoConstrainedDecodingWorker(request.Model, [.. live.Select(w => w.Heartbeat.Backend).Distinct()], live.All(w => w.Heartbeat.Simulated), request.Sampling.Grammar is not null ? "response_format" : "logit_bias")
                : request.Placement is { } placement && registry.LiveWorkers(request.Model).Count > 0
                    ? PipelineErrors.PlacementUnavailable(request.Model, placement.Describe(), retryAfter)
                    : registry.IsKnownModel(request.Model)
                        ? PipelineErrors.NoWorker(request.Model, retryAfter)
                        : PipelineErrors.ModelNotFound(request.Model);
            activity?.SetTag("error.type", error.Code);
            activity?.SetStatus(ActivityStatusCode.Error, error.Message);
            await sender.SendAsync(request.ReplyAddress, new GenerationFailed(request.RequestId, error, null), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        if (activity is { IsAllDataRequested: true })
        {
            // Which worker, and why.
            activity.SetTag("gen_ai.request.model", request.Model);
            activity.SetTag("suite.router.policy", decision.Policy);
            activity.SetTag("suite.router.candidates", candidates);
            activity.SetTag("suite.router.worker", decision.WorkerId);
            activity.SetTag("suite.router.backend", worker.Heartbeat.Backend);
            activity.SetTag("suite.router.pool", worker.Heartbeat.Pool);
            activity.SetTag("suite.router.predicted_ttft_seconds", decision.PredictedTtftSeconds);
            activity.SetTag("suite.router.cached_tokens", decision.CachedTokens);
            activity.SetTag("suite.router.runner_up", decision.RunnerUpWorkerId);
            activity.SetTag("suite.attempt", request.Continuation.Attempt);
            if (request.Placement is { } placement)
            {
                activity.SetTag("suite.router.placement", placement.Describe());
            }
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Routed {RequestId} by {Policy} to {Worker}: predicted TTFT {PredictedMs:0.###} ms, {Cached}/{Prompt} prompt tokens cached; runner-up {RunnerUp} at {RunnerUpMs:0.###} ms")]
    private static partial void LogDecision(ILogger logger, Guid requestId, string policy, string worker, double predictedMs, int cached, int prompt, string runnerUp, double runnerUpMs);
}

using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Router.Policy;
using Suite.Router.Registry;
using Suite.ServiceDefaults.Errors;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.Router.Handlers;

/// <summary>
/// Picks a worker for a tokenized request and sends it there. With no live worker for the model: 404 if the model
/// was never served, else 503 with Retry-After.
/// </summary>
public sealed class RouteGenerationHandler(WorkerRegistry registry, IRoutingPolicy policy, IOptions<RouterOptions> options, IPipelineSender sender) : IPipelineHandler<RouteGeneration>
{
    private static readonly System.Diagnostics.ActivitySource Source = new("Suite.Router");

    public async Task HandleAsync(RouteGeneration request, CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity($"route {request.Model}");
        var (candidates, worker) = Pick(request);
        if (worker is null && !registry.IsWarm)
        {
            // Just started: the worker for this request may only be one heartbeat away.
            await registry.WhenWarmAsync(cancellationToken).ConfigureAwait(false);
            (candidates, worker) = Pick(request);
        }

        if (worker is null)
        {
            var retryAfter = options.Value.RetryAfterSeconds;
            var error = candidates.Count > 0
                ? PipelineErrors.FleetAtCapacity(request.Model, retryAfter)
                : registry.IsKnownModel(request.Model)
                    ? PipelineErrors.NoWorker(request.Model, retryAfter)
                    : PipelineErrors.ModelNotFound(request.Model);
            activity?.SetTag("error.type", error.Code);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error.Message);
            await sender.SendAsync(request.ReplyAddress, new GenerationFailed(request.RequestId, error, null), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        worker.Assigned();
        if (activity is { IsAllDataRequested: true })
        {
            // Which worker, and why: the policy's view of it when it was chosen.
            activity.SetTag("gen_ai.request.model", request.Model);
            activity.SetTag("suite.router.policy", policy.GetType().Name);
            activity.SetTag("suite.router.candidates", candidates.Count);
            activity.SetTag("suite.router.worker", worker.Heartbeat.WorkerId);
            activity.SetTag("suite.router.backend", worker.Heartbeat.Backend);
            activity.SetTag("suite.router.pool", worker.Heartbeat.Pool);
            activity.SetTag("suite.router.worker_load", worker.Load);
            activity.SetTag("suite.router.worker_slots", worker.Heartbeat.MaxSequences);
            activity.SetTag("suite.attempt", request.Continuation.Attempt);
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
            request.Continuation), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private (List<WorkerEntry> Candidates, WorkerEntry? Worker) Pick(RouteGeneration request)
    {
        var candidates = registry.LiveWorkers(request.Model);
        if (request.Continuation.ExcludedWorkers.Count > 0)
        {
            candidates.RemoveAll(w => request.Continuation.ExcludedWorkers.Contains(w.Heartbeat.WorkerId));
        }

        return (candidates, policy.Select(candidates, request.Priority));
    }

}

using MassTransit;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Router.Policy;
using Suite.Router.Registry;
using Suite.ServiceDefaults.Bus.HotPath;

namespace Suite.Router.Consumers;

/// <summary>
/// Picks a worker for a tokenized request and sends it there. With no live worker for the model: 404 if the model
/// was never served, else 503 with Retry-After.
/// </summary>
public sealed class RouteGenerationConsumer(WorkerRegistry registry, IRoutingPolicy policy, IOptions<RouterOptions> options, IPipelineSender sender) : IConsumer<RouteGeneration>, IPipelineHandler<RouteGeneration>
{
    public Task Consume(ConsumeContext<RouteGeneration> context) => HandleAsync(context.Message, context.CancellationToken);

    public async Task HandleAsync(RouteGeneration request, CancellationToken cancellationToken)
    {
        var (candidates, worker) = Pick(request);
        if (worker is null && !registry.IsWarm)
        {
            // Just started: the worker for this request may only be one heartbeat away.
            await registry.WhenWarmAsync(cancellationToken).ConfigureAwait(false);
            (candidates, worker) = Pick(request);
        }

        if (worker is null)
        {
            var failure = candidates.Count > 0
                ? Failed(request, 503, "service_unavailable", $"Every worker serving '{request.Model}' is at capacity; retry shortly.", "overloaded")
                : registry.IsKnownModel(request.Model)
                    ? Failed(request, 503, "service_unavailable", $"No worker serving '{request.Model}' is up right now; retry shortly.", "no_worker")
                    : new GenerationFailed(request.RequestId, 404, "invalid_request_error", $"The model '{request.Model}' does not exist.", "model", "model_not_found", null, null);
            await sender.SendAsync(request.ReplyAddress, failure, cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        worker.Assigned();
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

    private GenerationFailed Failed(RouteGeneration request, int status, string type, string message, string code)
        => new(request.RequestId, status, type, message, null, code, options.Value.RetryAfterSeconds, null);
}

using MassTransit;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Router.Policy;
using Suite.Router.Registry;

namespace Suite.Router.Consumers;

/// <summary>
/// Picks a worker for a tokenized request and sends it there. With no live worker for the model: 404 if the model
/// was never served, else 503 with Retry-After.
/// </summary>
public sealed class RouteGenerationConsumer(WorkerRegistry registry, IRoutingPolicy policy, IOptions<RouterOptions> options) : IConsumer<RouteGeneration>
{
    public async Task Consume(ConsumeContext<RouteGeneration> context)
    {
        var request = context.Message;
        var candidates = registry.LiveWorkers(request.Model);
        if (request.Continuation.ExcludedWorkers.Count > 0)
        {
            candidates.RemoveAll(w => request.Continuation.ExcludedWorkers.Contains(w.Heartbeat.WorkerId));
        }

        var worker = policy.Select(candidates, request.Priority);
        if (worker is null)
        {
            var failure = candidates.Count > 0
                ? Failed(request, 503, "service_unavailable", $"Every worker serving '{request.Model}' is at capacity; retry shortly.", "overloaded")
                : registry.IsKnownModel(request.Model)
                    ? Failed(request, 503, "service_unavailable", $"No worker serving '{request.Model}' is up right now; retry shortly.", "no_worker")
                    : new GenerationFailed(request.RequestId, 404, "invalid_request_error", $"The model '{request.Model}' does not exist.", "model", "model_not_found", null, null);
            var reply = await context.GetSendEndpoint(request.ReplyAddress).ConfigureAwait(false);
            await reply.Send(failure).ConfigureAwait(false);
            return;
        }

        worker.Assigned();
        var endpoint = await context.GetSendEndpoint(worker.Heartbeat.Address).ConfigureAwait(false);
        await endpoint.Send(new GenerateTokens(
            request.RequestId,
            request.Model,
            request.PromptTokens,
            request.Sampling,
            request.Limits,
            request.ReplyAddress,
            request.Priority,
            request.AcceptedAt,
            DateTimeOffset.UtcNow,
            request.Continuation)).ConfigureAwait(false);
    }

    private GenerationFailed Failed(RouteGeneration request, int status, string type, string message, string code)
        => new(request.RequestId, status, type, message, null, code, options.Value.RetryAfterSeconds, null);
}

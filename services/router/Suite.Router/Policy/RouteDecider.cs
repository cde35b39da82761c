using Suite.Contracts;
using Suite.Router.Index;
using Suite.Router.Registry;

namespace Suite.Router.Policy;

/// <summary>
/// One routing decision, as the router's consumer (and the fleet benchmark, which drives the same code without a bus)
/// makes it: the live workers serving the model, less the excluded ones and those outside the request's placement
/// (the pools and backends its tenant may use) and, for a request with a grammar or logit biases, those that cannot
/// constrain sampling; scored by the policy with the prefix index;
/// the chosen worker is charged with the request (so a burst spreads) and expected to hold its blocks.
/// Decisions for one model are made one at a time: the router consumes requests on several threads, and two decisions
/// that read a worker's load before either charged it would both take its last free slot (one request then waits in
/// that worker's queue for a sequence to end while another worker has room).
/// </summary>
public sealed class RouteDecider(WorkerRegistry registry, PrefixIndex index, IRoutingPolicy policy)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lock> _models = new(StringComparer.Ordinal);

    public IRoutingPolicy Policy => policy;

    /// <summary>The chosen worker and why, or null (with the number of candidates) when none can take the request.</summary>
    public (WorkerEntry? Worker, RouteDecision? Decision, int Candidates) Decide(string model, int[] tokens, int priority, int? maxTokens, IReadOnlyList<string> excluded, Placement? placement = null, bool constrained = false)
    {
        lock (_models.GetOrAdd(model, static _ => new Lock()))
        {
            return DecideAlone(model, tokens, priority, maxTokens, excluded, placement, constrained);
        }
    }

    private (WorkerEntry? Worker, RouteDecision? Decision, int Candidates) DecideAlone(string model, int[] tokens, int priority, int? maxTokens, IReadOnlyList<string> excluded, Placement? placement, bool constrained)
    {
        var candidates = registry.LiveWorkers(model);
        if (excluded.Count > 0)
        {
            candidates.RemoveAll(w => excluded.Contains(w.Heartbeat.WorkerId));
        }

        if (placement is not null)
        {
            // Data sovereignty: a worker outside the placement is never a candidate, on any attempt.
            candidates.RemoveAll(w => !placement.Allows(w.Heartbeat.Pool, w.Heartbeat.Backend));
        }

        if (constrained)
        {
            // A worker that cannot apply the grammar or biases would have to refuse the request: never a candidate.
            candidates.RemoveAll(w => !w.Heartbeat.ConstrainedDecoding);
        }

        var context = new RoutingContext(index, candidates, model, tokens, priority, maxTokens, registry.SlotCount);
        if (policy.Select(context) is not { } chosen)
        {
            return (null, null, candidates.Count);
        }

        var decision = Explain(policy.Name, context, chosen);
        var worker = candidates[chosen.Candidate];
        worker.Assigned(tokens.Length - decision.CachedTokens);
        if (worker.Heartbeat.Cache is { Enabled: true, BlockTokens: > 0 } cache)
        {
            // The worker will hold these blocks once it has computed them; later requests of a burst can follow.
            index.Expect(worker.Slot, context.Hashes(cache.BlockTokens));
        }

        return (worker, decision, candidates.Count);
    }

    /// <summary>The decision as the worker echoes it: the chosen worker's and the runner-up's predicted TTFT.</summary>
    public static RouteDecision Explain(string policy, RoutingContext context, RoutingChoice choice)
    {
        var worker = context.Candidates[choice.Candidate];
        var cached = context.CachedTokens(choice.Candidate);
        var ttft = TtftPredictor.Predict(worker, context.PromptTokens, cached);
        string? runnerUp = null;
        double? runnerUpTtft = null;
        if (choice.RunnerUp >= 0 && choice.RunnerUp != choice.Candidate)
        {
            var other = context.Candidates[choice.RunnerUp];
            runnerUp = other.Heartbeat.WorkerId;
            runnerUpTtft = TtftPredictor.Predict(other, context.PromptTokens, context.CachedTokens(choice.RunnerUp));
        }

        return new RouteDecision(policy, worker.Heartbeat.WorkerId, ttft, cached, runnerUp, runnerUpTtft);
    }
}

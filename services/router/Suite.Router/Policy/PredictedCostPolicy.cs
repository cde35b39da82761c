using Microsoft.Extensions.Options;
using Suite.Router.Registry;

namespace Suite.Router.Policy;

/// <summary>
/// Predicts, per candidate, the request's time to first token (<see cref="TtftPredictor"/>: cached prefix overlap
/// from the index, queue ahead, uncached prefill at that worker's observed speed, its decode steps at its batch) and,
/// for the cost objective, what serving it there costs: the worker's price per second × the time it spends on the
/// request (its uncached prefill, then the expected output tokens at its decode step, shared with the batch it
/// joins; a worker that would otherwise be idle pays the whole step). Latency objective: the lowest predicted TTFT
/// plus <see cref="RouterOptions.PrefillWorkWeight"/> × the uncached prefill the placement adds there: that work delays
/// every later request on the worker, and a copy of a prefix on a second worker takes cache room from others, so a
/// greedy TTFT choice alone copies hot prefixes everywhere and thrashes the caches under load. Cost objective: the
/// cheapest candidate predicted to meet the TTFT target, or the latency choice when none does.
/// </summary>
public sealed class PredictedCostPolicy(IOptions<RouterOptions> options) : IRoutingPolicy
{
    private readonly RoutingObjective _objective = options.Value.Objective;
    private readonly double _target = options.Value.TtftTargetSeconds;
    private readonly int _expectedOutput = options.Value.ExpectedOutputTokens;
    private readonly double _workWeight = options.Value.PrefillWorkWeight;

    public string Name => _objective == RoutingObjective.Cost ? "predicted-cost" : "predicted-latency";

    public RoutingChoice? Select(RoutingContext context)
    {
        var candidates = context.Candidates;
        Span<double> ttft = candidates.Count <= 1024 ? stackalloc double[candidates.Count] : new double[candidates.Count];
        Span<double> score = candidates.Count <= 1024 ? stackalloc double[candidates.Count] : new double[candidates.Count];
        int fastest = -1, secondFastest = -1;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates[i].CanQueue)
            {
                ttft[i] = double.PositiveInfinity;
                score[i] = double.PositiveInfinity;
                continue;
            }

            ttft[i] = TtftPredictor.Predict(candidates[i], context.PromptTokens, context.CachedTokens(i));
            score[i] = ttft[i] + (_workWeight * TtftPredictor.PrefillSeconds(candidates[i], context.PromptTokens - context.CachedTokens(i)));
            if (fastest < 0 || score[i] < score[fastest])
            {
                secondFastest = fastest;
                fastest = i;
            }
            else if (secondFastest < 0 || score[i] < score[secondFastest])
            {
                secondFastest = i;
            }
        }

        if (fastest < 0)
        {
            return null;
        }

        if (_objective == RoutingObjective.Latency)
        {
            return new RoutingChoice(fastest, secondFastest);
        }

        int cheapest = -1, secondCheapest = -1;
        double best = double.PositiveInfinity, second = double.PositiveInfinity;
        var output = Math.Clamp(context.MaxTokens ?? _expectedOutput, 1, _expectedOutput);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (ttft[i] > _target)
            {
                continue;
            }

            var cost = Cost(candidates[i], context.PromptTokens - context.CachedTokens(i), output);
            if (cost < best || (cost == best && ttft[i] < ttft[cheapest]))
            {
                (second, secondCheapest) = (best, cheapest);
                (best, cheapest) = (cost, i);
            }
            else if (cost < second)
            {
                (second, secondCheapest) = (cost, i);
            }
        }

        return cheapest < 0 ? new RoutingChoice(fastest, secondFastest) : new RoutingChoice(cheapest, secondCheapest >= 0 ? secondCheapest : fastest == cheapest ? secondFastest : fastest);
    }

    /// <summary>Predicted US dollars of worker time that serving the request takes there.</summary>
    public static double Cost(WorkerEntry worker, int uncachedTokens, int outputTokens)
    {
        var price = worker.Figures.PricePerHour;
        var step = TtftPredictor.DecodeStep(worker);
        if (step <= 0)
        {
            step = 0.02;
        }

        var sharing = worker.Load; // the sequences that share its steps with this one
        var seconds = TtftPredictor.PrefillSeconds(worker, uncachedTokens) + (outputTokens * step / (sharing + 1));
        return price / 3600 * seconds;
    }
}

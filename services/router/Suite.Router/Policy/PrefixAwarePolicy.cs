namespace Suite.Router.Policy;

/// <summary>
/// Prefix affinity alone, as cache-aware routers commonly score: the worker whose cache holds the longest prefix of
/// the request wins; equal overlaps go to the lowest load relative to capacity. It ignores how fast each worker's
/// hardware is and how much prefill is queued there. For comparison with the predicted-cost policy.
/// </summary>
public sealed class PrefixAwarePolicy : IRoutingPolicy
{
    public string Name => "prefix";

    public RoutingChoice? Select(RoutingContext context)
    {
        var candidates = context.Candidates;
        int best = -1, second = -1;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates[i].CanQueue)
            {
                continue;
            }

            if (best < 0 || Better(context, i, best))
            {
                second = best;
                best = i;
            }
            else if (second < 0 || Better(context, i, second))
            {
                second = i;
            }
        }

        return best < 0 ? null : new RoutingChoice(best, second);
    }

    private static bool Better(RoutingContext context, int a, int b)
    {
        var cachedA = context.CachedTokens(a);
        var cachedB = context.CachedTokens(b);
        if (cachedA != cachedB)
        {
            return cachedA > cachedB;
        }

        return LeastLoadedPolicy.Utilisation(context.Candidates[a]) < LeastLoadedPolicy.Utilisation(context.Candidates[b]);
    }
}

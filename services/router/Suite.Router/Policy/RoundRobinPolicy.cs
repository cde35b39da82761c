namespace Suite.Router.Policy;

/// <summary>Each request to the next worker in turn (by registry slot) that can still queue; blind to load and caches. For comparison.</summary>
public sealed class RoundRobinPolicy : IRoutingPolicy
{
    private long _next;

    public string Name => "round-robin";

    public RoutingChoice? Select(RoutingContext context)
    {
        var candidates = context.Candidates;
        if (candidates.Count == 0)
        {
            return null;
        }

        // Order by slot so the rotation does not depend on the registry's enumeration order.
        Span<int> order = candidates.Count <= 1024 ? stackalloc int[candidates.Count] : new int[candidates.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        order.Sort((a, b) => candidates[a].Slot.CompareTo(candidates[b].Slot));
        var start = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)candidates.Count);
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[(start + k) % order.Length];
            if (candidates[i].CanQueue)
            {
                var runnerUp = order.Length > 1 ? order[(start + k + 1) % order.Length] : -1;
                return new RoutingChoice(i, runnerUp);
            }
        }

        return null;
    }
}

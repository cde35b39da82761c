using Microsoft.Extensions.Options;
using Suite.Router.Registry;

namespace Suite.Router.Policy;

/// <summary>
/// Least loaded with a backend preference: among workers with a free slot, the most preferred backend wins and,
/// within it, the lowest load relative to capacity. When no worker has a free slot, the least loaded worker that can
/// still queue takes it, whatever its backend. Null when every worker's queue is full.
/// </summary>
public sealed class LeastLoadedPolicy(IOptions<RouterOptions> options) : IRoutingPolicy
{
    private readonly List<string> _preference = options.Value.BackendPreference;

    public string Name => "least-loaded";

    public RoutingChoice? Select(RoutingContext context)
    {
        var candidates = context.Candidates;
        int bestFree = -1, secondFree = -1, bestQueued = -1, secondQueued = -1;
        for (var i = 0; i < candidates.Count; i++)
        {
            var worker = candidates[i];
            if (worker.HasFreeSlot)
            {
                Place(i, ref bestFree, ref secondFree, preferBackend: true);
            }
            else if (worker.CanQueue)
            {
                Place(i, ref bestQueued, ref secondQueued, preferBackend: false);
            }
        }

        if (bestFree >= 0)
        {
            return new RoutingChoice(bestFree, secondFree >= 0 ? secondFree : bestQueued);
        }

        return bestQueued >= 0 ? new RoutingChoice(bestQueued, secondQueued) : null;

        void Place(int i, ref int best, ref int second, bool preferBackend)
        {
            if (best < 0 || Better(candidates[i], candidates[best], preferBackend))
            {
                second = best;
                best = i;
            }
            else if (second < 0 || Better(candidates[i], candidates[second], preferBackend))
            {
                second = i;
            }
        }
    }

    private bool Better(WorkerEntry a, WorkerEntry b, bool preferBackend)
    {
        if (preferBackend)
        {
            var rankA = Rank(a.Heartbeat.Backend);
            var rankB = Rank(b.Heartbeat.Backend);
            if (rankA != rankB)
            {
                return rankA < rankB;
            }
        }

        return Utilisation(a) < Utilisation(b);
    }

    internal static double Utilisation(WorkerEntry worker) => worker.Load / (double)Math.Max(1, worker.Figures.MaxSequences);

    private int Rank(string backend)
    {
        var index = _preference.FindIndex(p => string.Equals(p, backend, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? _preference.Count : index;
    }
}

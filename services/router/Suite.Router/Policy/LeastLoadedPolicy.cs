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

    public WorkerEntry? Select(IReadOnlyList<WorkerEntry> candidates, int priority)
    {
        WorkerEntry? bestFree = null;
        WorkerEntry? bestQueued = null;
        foreach (var worker in candidates)
        {
            if (worker.HasFreeSlot)
            {
                if (bestFree is null || Better(worker, bestFree, preferBackend: true))
                {
                    bestFree = worker;
                }
            }
            else if (worker.CanQueue && (bestQueued is null || Better(worker, bestQueued, preferBackend: false)))
            {
                bestQueued = worker;
            }
        }

        return bestFree ?? bestQueued;
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

    private static double Utilisation(WorkerEntry worker) => worker.Load / (double)Math.Max(1, worker.Heartbeat.MaxSequences);

    private int Rank(string backend)
    {
        var index = _preference.FindIndex(p => string.Equals(p, backend, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? _preference.Count : index;
    }
}

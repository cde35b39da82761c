using Suite.Router.Registry;

namespace Suite.Router.Policy;

/// <summary>Picks the worker for one request among the live workers serving its model; null when none can take it.</summary>
public interface IRoutingPolicy
{
    WorkerEntry? Select(IReadOnlyList<WorkerEntry> candidates, int priority);
}

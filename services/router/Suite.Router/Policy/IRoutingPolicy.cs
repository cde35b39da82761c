namespace Suite.Router.Policy;

/// <summary>Picks the worker for one request among the live workers serving its model; null when none can take it.</summary>
public interface IRoutingPolicy
{
    /// <summary>The policy's name, as it appears in decisions (round-robin, least-loaded, prefix, predicted-latency, predicted-cost).</summary>
    string Name { get; }

    RoutingChoice? Select(RoutingContext context);
}

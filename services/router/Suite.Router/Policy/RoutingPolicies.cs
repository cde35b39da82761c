using Microsoft.Extensions.Options;

namespace Suite.Router.Policy;

/// <summary>Builds the configured policy (<see cref="RouterOptions.Policy"/>).</summary>
public static class RoutingPolicies
{
    public static IRoutingPolicy Create(IOptions<RouterOptions> options) => options.Value.Policy switch
    {
        "round-robin" => new RoundRobinPolicy(),
        "least-loaded" => new LeastLoadedPolicy(options),
        "prefix" => new PrefixAwarePolicy(),
        _ => new PredictedCostPolicy(options),
    };
}

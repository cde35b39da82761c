namespace Suite.Router.Policy;

/// <summary>What the predicted-cost policy optimises.</summary>
public enum RoutingObjective
{
    /// <summary>The lowest predicted time to first token.</summary>
    Latency,

    /// <summary>The lowest predicted cost among workers whose predicted time to first token meets the target.</summary>
    Cost,
}

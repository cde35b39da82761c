using System.ComponentModel.DataAnnotations;

namespace Suite.Gateway.Limits;

/// <summary>
/// Weighted-fair admission under overload (section <c>Admission</c>). A gateway lets a request into the fleet while
/// the requests it has in flight for that model are fewer than the fleet's slots for it (the workers' <c>MaxSequences</c>,
/// from their heartbeats); past that, requests wait in one line per tenant and are let in as requests finish, by
/// weighted fair queueing on the tenants' tier weights. With no heartbeat heard yet for a model nothing waits.
/// </summary>
public sealed class AdmissionOptions
{
    public const string Section = "Admission";

    /// <summary>False: every request goes straight to the fleet, whose workers queue it by priority then arrival.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The share of the fleet's slots this gateway fills; with several gateways in front of one fleet, 1 ÷ their
    /// number keeps the fleet from queueing behind any of them.
    /// </summary>
    [Range(0.01, 1)]
    public double FleetShare { get; set; } = 1;

    /// <summary>
    /// Requests admitted per worker beyond its slots: a short queue there keeps a worker from idling between a request
    /// that ends and the next one's arrival, but every request in it is one that a newly arriving tenant waits behind.
    /// </summary>
    [Range(0, 10_000)]
    public int ExtraPerWorker { get; set; }

    /// <summary>
    /// Places per worker kept free for a tenant that holds fewer places than the busiest tenant, while more than one
    /// tenant has sent requests for the model within <see cref="ReserveWindowSeconds"/>. A tenant that floods the fleet
    /// cannot take them, so another tenant's request finds a free slot at once instead of waiting for one of the
    /// flood's requests to end. The cost: while one tenant floods and another only trickles, these slots are often
    /// idle (at most a quarter of the places are ever reserved; with a single tenant none are).
    /// </summary>
    [Range(0, 1_000)]
    public int ReservedPerWorker { get; set; } = 3;

    /// <summary>How recently a second tenant must have sent a request for the reserve of <see cref="ReservedPerWorker"/> to be kept.</summary>
    [Range(1, 86_400)]
    public double ReserveWindowSeconds { get; set; } = 60;

    /// <summary>Requests one tenant may have waiting at this gateway for one model; beyond this it gets 429 at once.</summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedPerTenant { get; set; } = 256;

    /// <summary>How long a request may wait for admission before it gets 429 with Retry-After.</summary>
    [Range(0.1, 3600)]
    public double MaxWaitSeconds { get; set; } = 30;
}

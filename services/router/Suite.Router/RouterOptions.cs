using System.ComponentModel.DataAnnotations;
using Suite.Router.Policy;

namespace Suite.Router;

/// <summary>Router settings (section <c>Router</c>).</summary>
public sealed class RouterOptions
{
    public const string Section = "Router";

    /// <summary>A worker whose last heartbeat is older than this leaves the registry (and its blocks the prefix index).</summary>
    [Range(0.2, 600)]
    public double WorkerTimeoutSeconds { get; set; } = 3;

    /// <summary>
    /// For this long after the first worker heartbeat reaches a new router, its registry may still miss workers whose
    /// next heartbeat has not come: until then an unknown model or an empty fleet is not taken as final (no 404 for a
    /// model that is served, no 503 for a fleet that is up) — answers wait for the warm-up instead. Keep it above the
    /// workers' heartbeat interval.
    /// </summary>
    [Range(0, 600)]
    public double WarmUpSeconds { get; set; } = 2;

    /// <summary>
    /// The longest a new router waits for a first worker heartbeat before it takes an empty fleet as final (a fleet
    /// with no worker up at all).
    /// </summary>
    [Range(0, 600)]
    public double WarmUpLimitSeconds { get; set; } = 10;

    /// <summary>
    /// How workers are chosen: <c>predicted</c> (predicted time to first token or cost per worker, with the prefix
    /// index), <c>prefix</c> (longest cached prefix, then least loaded), <c>least-loaded</c> (with
    /// <see cref="BackendPreference"/>) or <c>round-robin</c>.
    /// </summary>
    [RegularExpression("^(predicted|prefix|least-loaded|round-robin)$", ErrorMessage = "Policy must be one of predicted, prefix, least-loaded, round-robin.")]
    public string Policy { get; set; } = "predicted";

    /// <summary>For the predicted policy: <c>Latency</c> (lowest predicted TTFT) or <c>Cost</c> (cheapest meeting <see cref="TtftTargetSeconds"/>).</summary>
    public RoutingObjective Objective { get; set; } = RoutingObjective.Latency;

    /// <summary>The time-to-first-token objective of the cost objective, in seconds.</summary>
    [Range(0.001, 3600)]
    public double TtftTargetSeconds { get; set; } = 1.0;

    /// <summary>
    /// For the predicted policy: how much the uncached prefill a placement adds weighs against the request's own
    /// predicted TTFT (score = TTFT + weight × that prefill's seconds). 0 is greedy TTFT. Chosen on the shared-prefix
    /// fleet benchmark, where 1, 2, 4, 8 and 16 were tried (README, "Prefix cache and routing").
    /// </summary>
    [Range(0, 1000)]
    public double PrefillWorkWeight { get; set; } = 8;

    /// <summary>Output tokens the cost objective assumes when a request sets no max_tokens (and at most).</summary>
    [Range(1, 1_000_000)]
    public int ExpectedOutputTokens { get; set; } = 256;

    /// <summary>
    /// Backends in order of preference (e.g. cuda, cann, cpu, sim) for the least-loaded policy. A request goes to the
    /// most preferred backend that has a free slot; when every preferred worker is full it goes to the least loaded
    /// worker of any backend. Backends not listed come after the listed ones.
    /// </summary>
    public List<string> BackendPreference { get; set; } = ["cuda", "cann", "cpu", "sim"];

    /// <summary>Seconds a client is told to wait (Retry-After) when no worker can take the request.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}

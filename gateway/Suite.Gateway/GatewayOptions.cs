using System.ComponentModel.DataAnnotations;

namespace Suite.Gateway;

/// <summary>Gateway settings (section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// Base address of a separate telemetry process (distributed mode, <c>Gateway__TelemetryUrl</c>): /metrics is proxied
    /// there. Empty in embedded mode, where telemetry runs in the gateway process.
    /// </summary>
    public string? TelemetryUrl { get; set; }

    /// <summary>Requests in flight at once; beyond this a request gets 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int MaxConcurrentRequests { get; set; } = 1024;

    /// <summary>Longest silence from the pipeline (before the first token or between chunks) before a 504.</summary>
    [Range(1, 86_400)]
    public int StreamIdleTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// A worker silent this long is taken for dead and its streams continue on another worker. Keep it above the
    /// router's timeout (3 s), so by then the router no longer offers the dead worker.
    /// </summary>
    [Range(0.2, 600)]
    public double WorkerTimeoutSeconds { get; set; } = 3.5;

    /// <summary>A service (tokenizer, router) silent this long is down: requests get 503 at once.</summary>
    [Range(0.5, 600)]
    public double ServiceTimeoutSeconds { get; set; } = 3.5;

    /// <summary>Workers one request may be tried on (the first plus failovers).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// How long a queue job may keep retrying while the fleet is busy or down or a dependency is briefly unreachable,
    /// counted from when this gateway took it; after that its producer gets <c>GenerationJobFailed</c> with the reason.
    /// </summary>
    [Range(1, 86_400)]
    public double JobRetryBudgetSeconds { get; set; } = 300;

    /// <summary>Queue jobs this gateway runs at once.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentJobs { get; set; } = 64;

    /// <summary>
    /// A stream that made no progress for this long (its messages were lost, e.g. in a broker restart, or it never
    /// reached a worker) is resumed as if its worker had died. A request queued or prefilling on a live worker is not
    /// stalled: the worker announces it every <c>Worker__PendingNoticeSeconds</c> (2 s), so keep this well above that.
    /// </summary>
    [Range(1, 3600)]
    public double StallTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// How long a stream that already delivered tokens keeps being resumed while the router refuses it for now (no
    /// worker up yet, the fleet full: a 503 or 429 with Retry-After), counted from its last token; then it ends with
    /// that refusal. Such tries do not count against <see cref="MaxAttempts"/>.
    /// </summary>
    [Range(1, 3600)]
    public double ResumeWithinSeconds { get; set; } = 60;

    /// <summary>How long the list of served models is cached.</summary>
    [Range(0, 3600)]
    public double ModelsCacheSeconds { get; set; } = 1;

    /// <summary>
    /// When non-empty, every request but <c>/health</c> needs <c>Authorization: Bearer &lt;one of these&gt;</c>: the
    /// shorthand for one tenant (<c>default</c>) with no limits. Tenants and keys of their own come from the admin API.
    /// </summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Longest request body accepted, in bytes (Kestrel's limit too); a longer one gets 413.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// The generation budget of a request that sets no <c>max_tokens</c> (or <c>max_completion_tokens</c>): at most
    /// this many tokens, and never more than its prompt leaves of the context.
    /// </summary>
    [Range(1, 10_000_000)]
    public int DefaultMaxTokens { get; set; } = 4096;

    /// <summary>
    /// When true, responses name the worker that served them and why the router chose it (<c>X-Suite-Worker</c>,
    /// <c>X-Suite-Route</c>): for operators and tests. Off by default, since worker ids can carry host names.
    /// <c>X-Suite-Backend</c> (the kind of hardware) is always sent.
    /// </summary>
    public bool RoutingHeaders { get; set; }
}

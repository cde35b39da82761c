using System.ComponentModel.DataAnnotations;

namespace Suite.Router;

/// <summary>Router settings (section <c>Router</c>).</summary>
public sealed class RouterOptions
{
    public const string Section = "Router";

    /// <summary>A worker whose last heartbeat is older than this leaves the registry.</summary>
    [Range(0.2, 600)]
    public double WorkerTimeoutSeconds { get; set; } = 3;

    /// <summary>
    /// For this long after the router starts, its registry may still miss workers whose next heartbeat has not come:
    /// until then an unknown model or an empty fleet is not taken as final (no 404 for a model that is served, no 503
    /// for a fleet that is up) — answers wait for the warm-up instead. Keep it above the workers' heartbeat interval.
    /// </summary>
    [Range(0, 600)]
    public double WarmUpSeconds { get; set; } = 2;

    /// <summary>
    /// Backends in order of preference (e.g. cuda, cann, cpu, sim). A request goes to the most preferred backend that
    /// has a free slot; when every preferred worker is full it goes to the least loaded worker of any backend.
    /// Backends not listed come after the listed ones.
    /// </summary>
    public List<string> BackendPreference { get; set; } = ["cuda", "cann", "cpu", "sim"];

    /// <summary>Seconds a client is told to wait (Retry-After) when no worker can take the request.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}

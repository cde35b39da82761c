namespace Suite.Contracts;

/// <summary>
/// Well-known queue names: part of the public contract, because a producer in another language addresses them.
/// A worker's own queue is <c>worker-{workerId}</c>; a gateway's reply queue is <c>gateway-{instance}</c>.
/// </summary>
public static class QueueNames
{
    public const string Tokenizer = "suite-tokenizer";
    public const string Router = "suite-router";
    public const string Telemetry = "suite-telemetry";

    /// <summary>Where producers send <c>SubmitGenerationJob</c> (durable, priorities 0–9).</summary>
    public const string Jobs = "suite-jobs";

    public static string Worker(string workerId) => $"suite-worker-{workerId}";

    public static string Gateway(string instance) => $"suite-gateway-{instance}";

    public static Uri Address(string queue) => new($"queue:{queue}");
}

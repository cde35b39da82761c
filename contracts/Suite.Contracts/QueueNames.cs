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

    /// <summary>The durable jobs queue (priorities 0–9). Producers send to <see cref="JobsAddress"/>, not to the queue itself.</summary>
    public const string Jobs = "suite-jobs";

    /// <summary>
    /// Where producers send <c>SubmitGenerationJob</c>: the exchange bound to the jobs queue. Sending there does not
    /// redeclare the queue, whose priority argument (x-max-priority 9) a plain queue declaration would contradict.
    /// </summary>
    public static Uri JobsAddress { get; } = new($"exchange:{Jobs}");

    /// <summary>
    /// The plain-JSON jobs exchange (fanout, durable) and its durable priority queue (0–9): any AMQP client publishes an
    /// OpenAI request body here, no MassTransit envelope (<see cref="Jobs.JsonJobProperties"/> names the properties).
    /// </summary>
    public const string JsonJobs = "suite-jobs-json";

    /// <summary>Where plain-JSON jobs that can never run (not JSON, an invalid request, expired) are dead-lettered.</summary>
    public const string JsonJobsError = JsonJobs + "_error";

    public static string Worker(string workerId) => $"suite-worker-{workerId}";

    public static string Gateway(string instance) => $"suite-gateway-{instance}";

    public static Uri Address(string queue) => new($"queue:{queue}");
}

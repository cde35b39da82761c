using Suite.Contracts;

namespace Suite.ModelWorker.Hosting;

/// <summary>Who this worker is on the bus: its id, pool and the queue the router sends its work to.</summary>
public sealed record WorkerIdentity(string WorkerId, string Pool, string Backend)
{
    public string Queue => QueueNames.Worker(WorkerId);

    /// <summary>Where the router sends this worker's requests: its own pipeline queue.</summary>
    public Uri Address { get; init; } = Suite.ServiceDefaults.Pipeline.PipelineAddresses.Address(Suite.ServiceDefaults.Pipeline.PipelineAddresses.InstanceQueue(QueueNames.Worker(WorkerId)));

    public static WorkerIdentity From(ModelWorkerOptions options)
    {
        var pool = string.IsNullOrWhiteSpace(options.Pool) ? options.Backend : options.Pool;
        var id = string.IsNullOrWhiteSpace(options.WorkerId)
            ? $"{pool}-{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
            : options.WorkerId;
        return new WorkerIdentity(id, pool, options.Backend);
    }
}

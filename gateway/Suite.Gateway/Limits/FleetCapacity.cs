using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Suite.Contracts;

namespace Suite.Gateway.Limits;

/// <summary>
/// The fleet's slots per model, from worker heartbeats: the sum of <c>MaxSequences</c> over the workers heard within
/// the worker timeout. <see cref="Changed"/> fires on every heartbeat, so admission can let waiting requests in when
/// workers arrive.
/// </summary>
public sealed class FleetCapacity(IOptions<GatewayOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Model, int Slots, long At)> _workers = new(StringComparer.Ordinal);
    private readonly long _timeout = (long)(options.Value.WorkerTimeoutSeconds * time.TimestampFrequency);

    /// <summary>The clock heartbeats are timed by (virtual in the fairness benchmark).</summary>
    public TimeProvider Time => time;

    /// <summary>Raised with the model of a worker whose heartbeat just arrived.</summary>
    public event Action<string>? Changed;

    public void Observe(WorkerHeartbeat heartbeat) => Observe(heartbeat.WorkerId, heartbeat.Model, heartbeat.MaxSequences);

    public void Observe(string workerId, string model, int maxSequences)
    {
        _workers[workerId] = (model, maxSequences, time.GetTimestamp());
        Changed?.Invoke(model);
    }

    public void Stopped(string workerId) => _workers.TryRemove(workerId, out _);

    /// <summary>Slots and workers serving <paramref name="model"/> now.</summary>
    public (int Slots, int Workers) For(string model)
    {
        var now = time.GetTimestamp();
        var slots = 0;
        var workers = 0;
        foreach (var (id, worker) in _workers)
        {
            if (now - worker.At > _timeout)
            {
                _workers.TryRemove(new KeyValuePair<string, (string, int, long)>(id, worker));
                continue;
            }

            if (string.Equals(worker.Model, model, StringComparison.Ordinal))
            {
                slots += worker.Slots;
                workers++;
            }
        }

        return (slots, workers);
    }
}

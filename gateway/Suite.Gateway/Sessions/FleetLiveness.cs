using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Suite.Gateway.Sessions;

/// <summary>
/// Which workers and services are alive, from their heartbeats. A worker is dead once it said goodbye or has been
/// silent longer than the worker timeout; a service (tokenizer, router) is down once none of its instances has been
/// heard for the service timeout.
/// </summary>
public sealed class FleetLiveness(IOptions<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<string, long> _workers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _stopped = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _services = new(StringComparer.Ordinal);
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly long _workerTimeout = (long)(options.Value.WorkerTimeoutSeconds * Stopwatch.Frequency);
    private readonly long _serviceTimeout = (long)(options.Value.ServiceTimeoutSeconds * Stopwatch.Frequency);

    public void WorkerSeen(string workerId)
    {
        _workers[workerId] = Stopwatch.GetTimestamp();
        _stopped.TryRemove(workerId, out _);
    }

    public void WorkerStopped(string workerId) => _stopped[workerId] = Stopwatch.GetTimestamp();

    public void ServiceSeen(string service) => _services[service] = Stopwatch.GetTimestamp();

    /// <summary>Null while alive (or not yet known), else why the worker counts as dead.</summary>
    public string? WorkerDeath(string workerId)
    {
        if (_stopped.ContainsKey(workerId))
        {
            return $"worker {workerId} stopped";
        }

        return _workers.TryGetValue(workerId, out var seen) && Stopwatch.GetTimestamp() - seen > _workerTimeout
            ? $"worker {workerId} silent for {Stopwatch.GetElapsedTime(seen).TotalSeconds:0.0} s"
            : null;
    }

    /// <summary>
    /// False when the service has not been heard from within the timeout. Right after the gateway starts, a service
    /// not heard from yet counts as up, so the first requests are not refused while heartbeats arrive.
    /// </summary>
    public bool IsServiceUp(string service)
    {
        var now = Stopwatch.GetTimestamp();
        if (_services.TryGetValue(service, out var seen))
        {
            return now - seen <= _serviceTimeout;
        }

        return now - _started <= _serviceTimeout;
    }
}

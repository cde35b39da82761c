using System.Collections.Concurrent;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.ModelWorker.Tests.Hosting;

/// <summary>Stands in for the bus where a worker sends its replies: keeps every message, by address.</summary>
internal sealed class RecordingSender : IPipelineSender
{
    public ConcurrentQueue<(Uri Address, object Message)> Sent { get; } = new();

    public Task SendAsync<T>(Uri address, T message, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
        where T : class
    {
        Sent.Enqueue((address, message));
        return Task.CompletedTask;
    }

    public IEnumerable<T> OfType<T>() => Sent.Select(s => s.Message).OfType<T>();
}

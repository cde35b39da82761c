using System.Collections.Concurrent;

namespace Suite.Gateway.Streaming;

/// <summary>Requests this gateway is waiting on, by request id.</summary>
public sealed class StreamRegistry
{
    private readonly ConcurrentDictionary<Guid, GenerationStream> _streams = new();

    public int Count => _streams.Count;

    public GenerationStream Open(Guid requestId)
    {
        var stream = new GenerationStream(requestId);
        _streams[requestId] = stream;
        return stream;
    }

    public bool TryGet(Guid requestId, out GenerationStream stream) => _streams.TryGetValue(requestId, out stream!);

    public void Close(Guid requestId) => _streams.TryRemove(requestId, out _);
}

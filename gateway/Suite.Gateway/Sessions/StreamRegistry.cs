using System.Collections.Concurrent;
using Suite.Contracts;

namespace Suite.Gateway.Sessions;

/// <summary>Requests this gateway is waiting on, by request id.</summary>
public sealed class StreamRegistry
{
    private readonly ConcurrentDictionary<Guid, GenerationStream> _streams = new();

    public int Count => _streams.Count;

    public GenerationStream Open(PrepareGeneration request)
    {
        var stream = new GenerationStream(request);
        _streams[request.RequestId] = stream;
        return stream;
    }

    public IEnumerable<GenerationStream> Active => _streams.Values;

    public bool TryGet(Guid requestId, out GenerationStream stream) => _streams.TryGetValue(requestId, out stream!);

    public void Close(Guid requestId) => _streams.TryRemove(requestId, out _);
}

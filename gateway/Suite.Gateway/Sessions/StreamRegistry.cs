using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Suite.Contracts;

namespace Suite.Gateway.Sessions;

/// <summary>Requests this gateway is waiting on, by request id.</summary>
public sealed class StreamRegistry(IOptions<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<Guid, GenerationStream> _streams = new();

    public int Count => _streams.Count;

    public GenerationStream Open(PrepareGeneration request)
    {
        var stream = new GenerationStream(request, options.Value.ResumeWithinSeconds);
        _streams[request.RequestId] = stream;
        return stream;
    }

    public IEnumerable<GenerationStream> Active => _streams.Values;

    public bool TryGet(Guid requestId, out GenerationStream stream) => _streams.TryGetValue(requestId, out stream!);

    public void Close(Guid requestId) => _streams.TryRemove(requestId, out _);
}

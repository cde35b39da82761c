using System.Threading.Channels;
using Suite.Contracts;

namespace Suite.Gateway.Streaming;

/// <summary>
/// The gateway's view of one request in flight. Chunks may be consumed out of order (the reply endpoint runs
/// consumers concurrently), so they are put back in order by index here; the completion is delivered only once every
/// chunk it counts has been. Readers get <see cref="TokensGenerated"/>, then <see cref="GenerationCompleted"/> or
/// <see cref="GenerationFailed"/>.
/// </summary>
public sealed class GenerationStream(Guid requestId)
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<int, TokensGenerated> _early = [];
    private readonly Lock _lock = new();
    private int _next;
    private GenerationCompleted? _completed;
    private bool _closed;

    public Guid RequestId { get; } = requestId;

    public ChannelReader<object> Events => _events.Reader;

    public bool IsFinished
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    public void OnChunk(TokensGenerated chunk)
    {
        lock (_lock)
        {
            if (_closed || chunk.Index < _next)
            {
                return;
            }

            if (chunk.Index > _next)
            {
                _early[chunk.Index] = chunk;
                return;
            }

            _events.Writer.TryWrite(chunk);
            _next++;
            while (_early.Remove(_next, out var early))
            {
                _events.Writer.TryWrite(early);
                _next++;
            }

            TryFinish();
        }
    }

    public void OnCompleted(GenerationCompleted completed)
    {
        lock (_lock)
        {
            _completed = completed;
            TryFinish();
        }
    }

    public void OnFailed(GenerationFailed failed)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _events.Writer.TryWrite(failed);
            Close();
        }
    }

    private void TryFinish()
    {
        if (!_closed && _completed is not null && _next >= _completed.ChunkCount)
        {
            _events.Writer.TryWrite(_completed);
            Close();
        }
    }

    private void Close()
    {
        _closed = true;
        _events.Writer.TryComplete();
    }
}

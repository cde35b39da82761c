using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Suite.Gateway.OpenAi;

/// <summary>Server-sent events: each event is <c>data: {json}\n\n</c>, flushed at once so tokens are not held back.</summary>
public sealed class SseWriter(HttpResponse response)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private Utf8JsonWriter? _json;

    public bool Started { get; private set; }

    /// <summary>
    /// Commits to a 200 event stream. The headers are not flushed on their own: they leave in the same write as the
    /// first event (one packet and one client wake-up fewer on the way to the first token).
    /// </summary>
    public void Start()
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        Started = true;
    }

    /// <summary>Adds one event to the pending buffer; call <see cref="FlushAsync"/> to send what is pending.</summary>
    public void Add(Action<Utf8JsonWriter> write)
    {
        _buffer.Write(DataPrefix);
        if (_json is null)
        {
            _json = JsonOutput.Create(_buffer);
        }
        else
        {
            _json.Reset(_buffer);
        }

        write(_json);
        _json.Flush();
        _buffer.Write(EventEnd);
    }

    public void AddDone() => _buffer.Write(Done);

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }

        await response.Body.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _buffer.Clear();
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Suite.Gateway.OpenAi;

namespace Suite.Gateway.Edge;

/// <summary>
/// The output of one connection, as Kestrel writes it, with one change: a response Kestrel produces itself for a
/// request it could not parse (400, 414 URL too long, 431 headers too large…) goes out with OpenAI's JSON error body
/// instead of none. Kestrel offers no hook for those responses (aspnet/KestrelHttpServer#2947), so they are recognised
/// on the wire: the first bytes written after a flush are an HTTP/1.x 4xx or 5xx status line and a complete header block
/// with <c>Content-Length: 0</c> and no content type, which no response of this gateway's own handlers has (every error
/// they answer carries a body). Everything else passes through: each <see cref="Advance"/> is only held until the next
/// call, so no byte is copied.
/// </summary>
public sealed class ErrorBodyPipeWriter(PipeWriter inner) : PipeWriter
{
    private static readonly byte[] EmptyLength = "\r\ncontent-length: 0\r\n"u8.ToArray();
    private Memory<byte> _memory;
    private int _pending;
    private bool _pendingStartsBatch;
    private bool _batchStart = true;

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes + _pending;

    public override void Advance(int bytes)
    {
        Commit();
        _pending = bytes;
        _pendingStartsBatch = _batchStart;
        _batchStart = false;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Commit();
        _memory = inner.GetMemory(sizeHint);
        return _memory;
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_pending > 0 && _pendingStartsBatch && Rewrite(_memory.Span[.._pending]) is { } replacement)
        {
            // The held bytes were never advanced: writing the replacement in their place drops them.
            _pending = 0;
            replacement.CopyTo(inner.GetSpan(replacement.Length));
            inner.Advance(replacement.Length);
        }

        Commit();
        _batchStart = true;
        return inner.FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        Commit();
        inner.Complete(exception);
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Commit();
        return inner.CompleteAsync(exception);
    }

    /// <summary>The response with an error body, or null when <paramref name="written"/> is not a bodiless error response.</summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> written)
    {
        if (written.Length < 16 || !written.StartsWith("HTTP/1."u8) || written[8] != (byte)' ' || written[9] is not ((byte)'4' or (byte)'5')
            || !written.EndsWith("\r\n\r\n"u8) || written.IndexOf("\r\n\r\n"u8) != written.Length - 4)
        {
            return null;
        }

        var head = Encoding.ASCII.GetString(written);
        var lower = head.ToLowerInvariant();
        if (!lower.Contains(Encoding.ASCII.GetString(EmptyLength), StringComparison.Ordinal) || lower.Contains("\r\ncontent-type:", StringComparison.Ordinal)
            || !int.TryParse(head.AsSpan(9, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status))
        {
            return null;
        }

        var body = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(body))
        {
            ErrorWriter.WriteBody(json, FrameworkErrors.For(status));
        }

        var at = lower.IndexOf("\r\ncontent-length: 0\r\n", StringComparison.Ordinal);
        var rewritten = string.Concat(
            head.AsSpan(0, at),
            "\r\nContent-Type: application/json\r\nContent-Length: ",
            body.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            head.AsSpan(at + EmptyLength.Length - 2));
        var bytes = new byte[Encoding.ASCII.GetByteCount(rewritten) + body.WrittenCount];
        var length = Encoding.ASCII.GetBytes(rewritten, bytes);
        body.WrittenSpan.CopyTo(bytes.AsSpan(length));
        return bytes;
    }

    private void Commit()
    {
        if (_pending > 0)
        {
            inner.Advance(_pending);
            _pending = 0;
        }
    }
}

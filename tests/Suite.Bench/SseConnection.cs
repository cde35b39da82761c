using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Suite.Bench;

/// <summary>
/// One keep-alive HTTP/1.1 connection that posts JSON and reads a server-sent-events response with blocking reads: the
/// leanest client there is, one kernel wake-up per event, like curl or Python's http.client. HttpClient (even its
/// synchronous Send) arms an asynchronous read-ahead on pooled connections, after which every read on this machine
/// costs a socket-engine wake plus a thread-pool dispatch: client CPU and latency that would be charged to the suite.
/// </summary>
public sealed class SseConnection : IDisposable
{
    private readonly Uri _address;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private Socket? _socket;
    private int _start;
    private int _end;

    public SseConnection(Uri address) => _address = address;

    /// <summary>
    /// Posts <paramref name="body"/> to <paramref name="path"/> and hands each <c>data:</c> line of the response to
    /// <paramref name="onData"/> (without the prefix), as bytes, until the response ends.
    /// </summary>
    public void Post(string path, byte[] body, Action<ReadOnlySpan<byte>> onData)
    {
        var socket = _socket ??= Connect();
        var head = Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {_address.Authority}\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: {body.Length}\r\n\r\n");
        var request = new byte[head.Length + body.Length];
        head.CopyTo(request, 0);
        body.CopyTo(request, head.Length);
        socket.Send(request);

        var status = ReadLine();
        var code = status.Length >= 12 ? int.Parse(status.AsSpan(9, 3), CultureInfo.InvariantCulture) : 0;
        var chunked = false;
        var length = -1L;
        var close = false;
        while (ReadLine() is { Length: > 0 } header)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var name = header[..colon].Trim();
            var value = header[(colon + 1)..].Trim();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                chunked = true;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = long.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && value.Equals("close", StringComparison.OrdinalIgnoreCase))
            {
                close = true;
            }
        }

        var lines = new LineSplitter(onData);
        if (chunked)
        {
            while (true)
            {
                var size = Convert.ToInt64(ReadLine().Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    while (ReadLine().Length > 0)
                    {
                        // Trailers, if any, end with an empty line.
                    }

                    break;
                }

                ReadBody(size, code == 200 ? lines.Add : lines.AddError);
                ReadLine();
            }
        }
        else if (length >= 0)
        {
            ReadBody(length, code == 200 ? lines.Add : lines.AddError);
        }

        lines.Flush();
        if (close || length < 0 && !chunked)
        {
            Dispose();
        }

        if (code != 200)
        {
            throw new HttpRequestException($"POST {path} answered {status}: {lines.Error}");
        }
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }

    private Socket Connect()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(_address.Host, _address.Port);
        return socket;
    }

    private void Fill()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = _socket!.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (read == 0)
        {
            throw new IOException("The server closed the connection mid-response.");
        }

        _end += read;
    }

    private string ReadLine()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }

            Fill();
        }
    }

    private void ReadBody(long size, Action<ReadOnlySpan<byte>> sink)
    {
        while (size > 0)
        {
            if (_start == _end)
            {
                Fill();
            }

            var take = (int)Math.Min(size, _end - _start);
            sink(_buffer.AsSpan(_start, take));
            _start += take;
            size -= take;
        }
    }

    /// <summary>Splits the body into lines and passes on the payload of each <c>data: </c> line.</summary>
    private sealed class LineSplitter(Action<ReadOnlySpan<byte>> onData)
    {
        private readonly List<byte> _partial = [];
        private readonly StringBuilder _error = new();

        public string Error => _error.ToString();

        public void Add(ReadOnlySpan<byte> bytes)
        {
            while (bytes.Length > 0)
            {
                var newline = bytes.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _partial.AddRange(bytes);
                    return;
                }

                if (_partial.Count > 0)
                {
                    _partial.AddRange(bytes[..newline]);
                    Line([.. _partial]);
                    _partial.Clear();
                }
                else
                {
                    Line(bytes[..newline]);
                }

                bytes = bytes[(newline + 1)..];
            }
        }

        public void AddError(ReadOnlySpan<byte> bytes) => _error.Append(Encoding.UTF8.GetString(bytes));

        public void Flush()
        {
            if (_partial.Count > 0)
            {
                Line([.. _partial]);
                _partial.Clear();
            }
        }

        private void Line(ReadOnlySpan<byte> line)
        {
            if (line.StartsWith("data: "u8))
            {
                onData(line[6..].TrimEnd((byte)'\r'));
            }
        }
    }
}

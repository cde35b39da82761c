using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Suite.Gateway.Edge;

namespace Suite.Gateway.Tests.Edge;

/// <summary>Kestrel's own bodiless refusals get OpenAI's error body on the wire; every other byte passes untouched.</summary>
public sealed class ErrorBodyPipeWriterTests
{
    private const string KestrelBadRequest = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: Wed, 02 Dec 2026 12:00:00 GMT\r\nServer: Kestrel\r\n\r\n";

    [Theory]
    [InlineData(400, "malformed_request")]
    [InlineData(414, "url_too_long")]
    [InlineData(431, "headers_too_large")]
    public async Task FlushAsync_KestrelsBodilessRefusal_GoesOutWithAnOpenAiErrorBody(int status, string code)
    {
        var wire = await WriteAsync([KestrelBadRequest.Replace("400 Bad Request", $"{status} Whatever", StringComparison.Ordinal)]);

        var (head, body) = Split(wire);
        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/json", head, StringComparison.Ordinal);
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", head, StringComparison.Ordinal);
        Assert.Contains("Connection: close", head, StringComparison.Ordinal);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task FlushAsync_ResponsesOfTheApp_PassUnchanged()
    {
        string[] writes =
        [
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
            "{}",
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\nand a body in the same write",
        ];

        var wire = await WriteAsync(writes);

        Assert.Equal(string.Concat(writes), wire);
    }

    [Fact]
    public async Task FlushAsync_ErrorHeadNotFirstInItsBatch_IsLeftAlone()
    {
        var wire = await WriteAsync(["data:", KestrelBadRequest], flushEach: false);

        Assert.Equal("data:" + KestrelBadRequest, wire);
    }

    private static async Task<string> WriteAsync(string[] writes, bool flushEach = true)
    {
        var pipe = new Pipe();
        var writer = new ErrorBodyPipeWriter(pipe.Writer);
        foreach (var text in writes)
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            bytes.CopyTo(writer.GetSpan(bytes.Length));
            writer.Advance(bytes.Length);
            if (flushEach)
            {
                await writer.FlushAsync();
            }
        }

        await writer.FlushAsync();
        await writer.CompleteAsync();
        var read = await pipe.Reader.ReadAtLeastAsync(int.MaxValue / 2);
        var text1 = Encoding.ASCII.GetString(read.Buffer);
        pipe.Reader.AdvanceTo(read.Buffer.End);
        return text1;
    }

    private static (string Head, string Body) Split(string wire)
    {
        var at = wire.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (wire[..(at + 2)], wire[(at + 4)..]);
    }
}

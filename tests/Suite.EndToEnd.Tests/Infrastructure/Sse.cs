using System.Text.Json;

namespace Suite.EndToEnd.Tests.Infrastructure;

/// <summary>Reads a server-sent-events body the way an OpenAI client does, checking its framing.</summary>
public static class Sse
{
    /// <summary>Every <c>data:</c> payload as JSON, in order; asserts the stream ends with <c>data: [DONE]</c>.</summary>
    public static async Task<List<JsonElement>> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<JsonElement>();
        var done = false;
        await foreach (var data in ReadDataAsync(response, cancellationToken))
        {
            Assert.False(done, "data after [DONE]");
            if (data == "[DONE]")
            {
                done = true;
                continue;
            }

            events.Add(JsonDocument.Parse(data).RootElement.Clone());
        }

        Assert.True(done, "the stream did not end with data: [DONE]");
        return events;
    }

    public static async IAsyncEnumerable<string> ReadDataAsync(HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            Assert.StartsWith("data: ", line, StringComparison.Ordinal);
            yield return line["data: ".Length..];
        }
    }

    /// <summary>The concatenated generated text of chat or text-completion chunks.</summary>
    public static string Text(IEnumerable<JsonElement> events) => string.Concat(events
        .Where(e => e.GetProperty("choices").GetArrayLength() > 0)
        .Select(e => e.GetProperty("choices")[0])
        .Select(c => c.TryGetProperty("delta", out var d) ? (d.TryGetProperty("content", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : string.Empty) : c.GetProperty("text").GetString()));
}

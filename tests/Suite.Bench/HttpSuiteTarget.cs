using System.Diagnostics;
using System.Text.Json;

namespace Suite.Bench;

/// <summary>The suite: streaming /v1/completions over real HTTP, through gateway, tokenizer, router and worker.</summary>
public sealed class HttpSuiteTarget(Uri baseAddress, string model, string label)
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };

    public async Task<RunResult> RunAsync(int concurrency, int rounds, int tokens, IReadOnlyList<string> prompts)
    {
        var ttft = new List<double>();
        long generated = 0;
        var started = Stopwatch.GetTimestamp();
        var streams = Enumerable.Range(0, concurrency).Select(async stream =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var prompt = prompts[((stream * rounds) + round) % prompts.Count];
                var sent = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
                {
                    Content = Body(new
                    {
                        model,
                        prompt,
                        max_tokens = tokens,
                        temperature = 0,
                        ignore_eos = true,
                        stream = true,
                        stream_options = new { include_usage = true },
                    }),
                };
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                // A load generator should cost the machine as little as it can (the engine direct has no client at
                // all): the first event with a choice marks the first token, and only the usage event is parsed.
                var first = true;
                while (await reader.ReadLineAsync() is { } line)
                {
                    if (!line.StartsWith("data: {", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (first && line.Contains("\"choices\":[{", StringComparison.Ordinal))
                    {
                        first = false;
                        lock (ttft)
                        {
                            ttft.Add(Stopwatch.GetElapsedTime(sent).TotalSeconds);
                        }
                    }

                    if (line.Contains("\"usage\":{", StringComparison.Ordinal))
                    {
                        using var json = JsonDocument.Parse(line.AsMemory(6));
                        Interlocked.Add(ref generated, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
                    }
                }
            }
        }).ToList();
        await Task.WhenAll(streams);
        return new RunResult(label, concurrency, concurrency * rounds, generated, Stopwatch.GetElapsedTime(started).TotalSeconds, [.. ttft]);
    }

    // Serialised up front so the request has a Content-Length, as an OpenAI SDK sends it; JsonContent streams the body
    // with chunked transfer encoding instead.
    private static ByteArrayContent Body(object body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }
}

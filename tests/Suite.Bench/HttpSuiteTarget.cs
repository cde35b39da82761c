using System.Diagnostics;
using System.Text.Json;

namespace Suite.Bench;

/// <summary>The suite: streaming /v1/completions over real HTTP, through gateway, tokenizer, router and worker.</summary>
public sealed class HttpSuiteTarget(Uri baseAddress, string model, string label)
{

    public Task<RunResult> RunAsync(int concurrency, int rounds, int tokens, IReadOnlyList<string> prompts)
    {
        var ttft = new List<double>();
        long generated = 0;
        var started = Stopwatch.GetTimestamp();

        // Each stream is a thread doing blocking reads, as a simple client (curl, Python's http.client) does: the
        // kernel wakes it once per event. Async reads cost this 2-core machine a socket-engine wake plus a thread-pool
        // dispatch per event, which at one token per event took CPU from the engine being measured.
        var failures = new List<Exception>();
        var threads = Enumerable.Range(0, concurrency).Select(stream => new Thread(() =>
        {
            try
            {
                RunStream(stream);
            }
            catch (Exception e)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
        }) { IsBackground = true, Name = $"bench-stream-{stream}" }).ToList();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        return Task.Run(() =>
        {
            foreach (var thread in threads)
            {
                thread.Join();
            }

            if (failures.Count > 0)
            {
                throw new AggregateException($"{failures.Count} of {concurrency} streams failed.", failures);
            }

            return new RunResult(label, concurrency, concurrency * rounds, generated, Stopwatch.GetElapsedTime(started).TotalSeconds, [.. ttft]);
        });

        void RunStream(int stream)
        {
            using var connection = new SseConnection(baseAddress);
            for (var round = 0; round < rounds; round++)
            {
                var prompt = prompts[((stream * rounds) + round) % prompts.Count];
                var body = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    model,
                    prompt,
                    max_tokens = tokens,
                    temperature = 0,
                    ignore_eos = true,
                    stream = true,
                    stream_options = new { include_usage = true },
                });
                var sent = Stopwatch.GetTimestamp();

                // A load generator should cost the machine as little as it can (the engine direct has no client at
                // all): the first event with a choice marks the first token, and only the usage event is parsed.
                var first = true;
                connection.Post("/v1/completions", body, data =>
                {
                    if (first && data.IndexOf("\"choices\":[{"u8) >= 0)
                    {
                        first = false;
                        lock (ttft)
                        {
                            ttft.Add(Stopwatch.GetElapsedTime(sent).TotalSeconds);
                        }
                    }

                    if (data.IndexOf("\"usage\":{"u8) >= 0)
                    {
                        var reader = new Utf8JsonReader(data);
                        using var json = JsonDocument.ParseValue(ref reader);
                        Interlocked.Add(ref generated, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
                    }
                });
            }
        }
    }
}

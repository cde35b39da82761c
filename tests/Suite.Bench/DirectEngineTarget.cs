using System.Diagnostics;
using Suite.Contracts;
using Suite.ModelWorker;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Hosting;
using Suite.Models.Catalog;

namespace Suite.Bench;

/// <summary>
/// The peer: the same llama.cpp engine (LLamaSharp, continuous batching) with the worker's default settings, driven
/// in-process with no bus, no HTTP and no tokenizer service.
/// </summary>
public sealed class DirectEngineTarget(ModelResolution models, int threads) : IAsyncDisposable
{
    private IInferenceBackend? _backend;

    public async Task StartAsync()
    {
        // A null logger factory keeps llama.cpp's loader dump out of the bench output.
        _backend = await new BackendFactory(models, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateAsync(new ModelWorkerOptions { Threads = threads }, CancellationToken.None);
    }

    public async Task<RunResult> RunAsync(int concurrency, int rounds, int tokens, IReadOnlyList<int[]> prompts)
    {
        var backend = _backend!;
        var ttft = new List<double>();
        long generated = 0;
        var started = Stopwatch.GetTimestamp();
        var streams = Enumerable.Range(0, concurrency).Select(async stream =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var prompt = prompts[((stream * rounds) + round) % prompts.Count];
                var sent = Stopwatch.GetTimestamp();
                var sequence = backend.Schedule(new SequenceRequest(Guid.NewGuid(), prompt, SamplingParameters.Greedy, tokens, IgnoreEos: true));
                var count = 0;
                await foreach (var _ in sequence.Tokens.ReadAllAsync())
                {
                    if (count++ == 0)
                    {
                        lock (ttft)
                        {
                            ttft.Add(Stopwatch.GetElapsedTime(sent).TotalSeconds);
                        }
                    }
                }

                await sequence.Completion;
                Interlocked.Add(ref generated, count);
            }
        }).ToList();
        await Task.WhenAll(streams);
        return new RunResult("engine direct", concurrency, concurrency * rounds, generated, Stopwatch.GetElapsedTime(started).TotalSeconds, [.. ttft]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }
}

using BenchmarkDotNet.Attributes;
using Suite.Contracts.KvCache;

namespace Suite.Router.Bench;

/// <summary>
/// A routing decision with 1,000 workers and 1,000,000 indexed blocks (predicted-latency policy, a 4,000-token prompt
/// whose first 250 blocks one worker holds), and the ingestion of KV event batches of 1,000 blocks.
/// </summary>
[MemoryDiagnoser]
public class RouterBenchmarks
{
    private Fleet _fleet = null!;
    private int[][] _requests = null!;
    private int _next;
    private KvBlocksChanged[] _batches = null!;
    private int _batch;

    [GlobalSetup]
    public void Setup()
    {
        _fleet = new Fleet(workers: 1000, chainsPerWorker: 4, blocksPerChain: 250);
        var random = new Random(11);
        _requests = Enumerable.Range(0, 1024)
            .Select(i => (int[])[.. _fleet.Prompts[random.Next(_fleet.Prompts.Count)], .. Fleet.Tokens(random, 40)])
            .ToArray();

        // Batches for one worker, alternating 1,000 stored and the same 1,000 evicted, numbered in order.
        var blocks = Enumerable.Range(0, 64).Select(_ => PrefixBlockHash.Compute(Fleet.Model, Fleet.Tokens(random, 16_000), 16)).ToArray();
        _batches = Enumerable.Range(0, 128)
            .Select(i => new KvBlocksChanged("worker-0000", Fleet.Model, 16, 2 + i, i % 2 == 0 ? blocks[i / 2 % 64] : [], i % 2 == 1 ? blocks[i / 2 % 64] : [], DateTimeOffset.UtcNow))
            .ToArray();
    }

    [Benchmark(Description = "decision, 1,000 workers, 1M blocks")]
    public object? Decide()
    {
        var prompt = _requests[_next++ & 1023];
        return _fleet.Decider.Decide(Fleet.Model, prompt, 0, 128, []).Decision;
    }

    [Benchmark(Description = "ingest 1,000 blocks (one KV event batch)", OperationsPerInvoke = 1)]
    public bool Ingest()
    {
        var batch = _batches[_batch++ % _batches.Length];
        return _fleet.Index.Apply(0, batch with { Sequence = _batch + 1 });
    }
}

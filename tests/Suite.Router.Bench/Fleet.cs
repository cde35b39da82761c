using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Contracts.KvCache;
using Suite.Router;
using Suite.Router.Index;
using Suite.Router.Policy;
using Suite.Router.Registry;

namespace Suite.Router.Bench;

/// <summary>
/// A router's state at fleet size: <c>workers</c> live workers, each holding <c>chainsPerWorker</c> cached prompts of
/// <c>blocksPerChain</c> blocks (1,000 × 4 × 250 = 1,000,000 distinct blocks), with the registry, index and decider the
/// router uses. Requests are prompts of those chains plus a question, so each decision walks a 250-block overlap.
/// </summary>
internal sealed class Fleet
{
    public const string Model = "bench-model";

    public Fleet(int workers, int chainsPerWorker, int blocksPerChain, IRoutingPolicy? policy = null)
    {
        Registry = new WorkerRegistry(Options.Create(new RouterOptions { WorkerTimeoutSeconds = 3600 }));
        Index = new PrefixIndex();
        Decider = new RouteDecider(Registry, Index, policy ?? new PredictedCostPolicy(Options.Create(new RouterOptions())));
        var random = new Random(7);
        for (var w = 0; w < workers; w++)
        {
            var id = $"worker-{w:0000}";
            var (entry, _) = Registry.Observe(Heartbeat(id, running: random.Next(0, 64), price: w % 2 == 0 ? 6.155 : 2.94, prefillRate: w % 2 == 0 ? 30_806 : 11_706));
            var blocks = new List<ulong>(chainsPerWorker * blocksPerChain);
            for (var c = 0; c < chainsPerWorker; c++)
            {
                var prompt = Tokens(random, blocksPerChain * 16);
                Prompts.Add(prompt);
                blocks.AddRange(PrefixBlockHash.Compute(Model, prompt, 16));
            }

            Index.Apply(entry.Slot, new KvCacheSnapshot(id, Model, 16, 1, [.. blocks], DateTimeOffset.UtcNow));
        }
    }

    public WorkerRegistry Registry { get; }

    public PrefixIndex Index { get; }

    public RouteDecider Decider { get; }

    public List<int[]> Prompts { get; } = [];

    public static WorkerHeartbeat Heartbeat(string id, int running, double price, double prefillRate) => new(
        id, new Uri($"queue:suite-worker-{id}"), "sim", "pool", Model, true, "device", 64, running, 0, 256, 400_000, 0, 8192, 0.02, 0.01,
        DateTimeOffset.UtcNow, new ModelDescription(Model, "bench", 8192, 50_000, false, "bench", DateTimeOffset.UnixEpoch), price,
        new WorkerCacheStatus(true, 16, 1000, 25_000, 0, 0, 1, 0, prefillRate, 0.012, 2, 512));

    public static int[] Tokens(Random random, int count)
    {
        var tokens = new int[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = random.Next(100, 40_000);
        }

        return tokens;
    }
}

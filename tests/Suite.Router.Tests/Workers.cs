using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Router;
using Suite.Router.Registry;

namespace Suite.Router.Tests;

/// <summary>Heartbeats and registry entries for policy and index tests.</summary>
internal static class Workers
{
    public const string Model = "test-model";

    private static int s_slot;

    public static WorkerHeartbeat Heartbeat(
        string id,
        int running = 0,
        int waiting = 0,
        int maxSequences = 16,
        double prefillTokensPerSecond = 10_000,
        double decodeStepSeconds = 0.01,
        long queuedPrefill = 0,
        double? price = 1,
        string backend = "sim",
        long kvEventSequence = 0,
        double slotSeconds = 2) => new(
        id,
        new Uri($"queue:suite-worker-{id}"),
        backend,
        "pool-" + id,
        Model,
        backend == "sim",
        "device",
        maxSequences,
        running,
        waiting,
        256,
        1_000_000,
        0,
        4096,
        0,
        decodeStepSeconds,
        DateTimeOffset.UtcNow,
        new ModelDescription(Model, "test", 4096, 50_000, false, "test", DateTimeOffset.UnixEpoch),
        price,
        new WorkerCacheStatus(true, 16, 0, 65_536, 0, 0, kvEventSequence, queuedPrefill, prefillTokensPerSecond, decodeStepSeconds, slotSeconds, 512));

    public static WorkerEntry Entry(WorkerHeartbeat heartbeat) => new(heartbeat, System.Diagnostics.Stopwatch.GetTimestamp(), Interlocked.Increment(ref s_slot) % 1000);

    public static IOptions<RouterOptions> Options(Action<RouterOptions>? configure = null)
    {
        var options = new RouterOptions();
        configure?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    public static int[] Prompt(int length, int seed = 0) =>
        [.. Enumerable.Range(0, length).Select(i => 100 + ((i * 7919) + (seed * 104729)) % 40000)];
}

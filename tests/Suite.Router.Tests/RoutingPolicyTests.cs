using Suite.Contracts.KvCache;
using Suite.Router.Index;
using Suite.Router.Policy;
using Suite.Router.Registry;

namespace Suite.Router.Tests;

public sealed class RoutingPolicyTests
{
    private static readonly int[] Prompt = Workers.Prompt(2000);

    [Fact]
    public void Predicted_IdleWorkersOneHoldingThePrefix_ChoosesItAndExplainsTheRunnerUp()
    {
        var (context, workers) = Context([Workers.Heartbeat("cold"), Workers.Heartbeat("warm")], cachedBlocks: [0, 120]);

        var choice = new PredictedCostPolicy(Workers.Options()).Select(context)!.Value;
        var decision = RouteDecider.Explain("predicted-latency", context, choice);

        Assert.Equal("warm", workers[choice.Candidate].Heartbeat.WorkerId);
        Assert.Equal(1920, decision.CachedTokens);
        Assert.Equal("cold", decision.RunnerUpWorkerId);
        Assert.Equal((2000 - 1920) / 10_000.0, decision.PredictedTtftSeconds, 6);
        Assert.Equal(2000 / 10_000.0, decision.RunnerUpTtftSeconds!.Value, 6);
    }

    [Fact]
    public void Predicted_WorkerHoldingThePrefixHasAPrefillQueue_ChoosesTheIdleOne()
    {
        var (context, workers) = Context(
            [Workers.Heartbeat("busy-warm", queuedPrefill: 20_000), Workers.Heartbeat("idle-cold")], cachedBlocks: [120, 0]);

        var choice = new PredictedCostPolicy(Workers.Options()).Select(context)!.Value;

        Assert.Equal("idle-cold", workers[choice.Candidate].Heartbeat.WorkerId);
    }

    [Fact]
    public void Predicted_UncachedPrompt_ChoosesTheFasterHardware_PrefixPolicyIgnoresSpeed()
    {
        var (context, workers) = Context(
            [Workers.Heartbeat("slow", prefillTokensPerSecond: 11_706), Workers.Heartbeat("fast", prefillTokensPerSecond: 30_806, running: 1)], cachedBlocks: [0, 0]);

        var predicted = new PredictedCostPolicy(Workers.Options()).Select(context)!.Value;
        var prefix = new PrefixAwarePolicy().Select(context)!.Value;

        Assert.Equal("fast", workers[predicted.Candidate].Heartbeat.WorkerId);
        Assert.Equal("slow", workers[prefix.Candidate].Heartbeat.WorkerId); // equal overlap: the less loaded
    }

    [Fact]
    public void Predicted_WorkerWithEverySlotTaken_WaitsForASlot()
    {
        var full = Workers.Heartbeat("full", running: 16, waiting: 16, slotSeconds: 4);
        var (context, workers) = Context([full, Workers.Heartbeat("free")], cachedBlocks: [120, 0]);

        var ttftFull = TtftPredictor.Predict(workers[0], context.PromptTokens, context.CachedTokens(0));
        var choice = new PredictedCostPolicy(Workers.Options()).Select(context)!.Value;

        Assert.True(ttftFull >= 17 * 4 / 16.0, $"17 sequences ahead of one of 16 slots held 4 s each: {ttftFull} s");
        Assert.Equal("free", workers[choice.Candidate].Heartbeat.WorkerId);
    }

    [Fact]
    public void Cost_CheaperWorkerMeetsTheTarget_IsChosenOverTheFasterOne()
    {
        var (context, workers) = Context(
            [Workers.Heartbeat("h100", prefillTokensPerSecond: 30_806, price: 6.155), Workers.Heartbeat("910b", prefillTokensPerSecond: 11_706, price: 2.94)],
            cachedBlocks: [0, 0]);

        var latency = new PredictedCostPolicy(Workers.Options()).Select(context)!.Value;
        var cost = new PredictedCostPolicy(Workers.Options(o => { o.Objective = RoutingObjective.Cost; o.TtftTargetSeconds = 0.5; })).Select(context)!.Value;
        var strict = new PredictedCostPolicy(Workers.Options(o => { o.Objective = RoutingObjective.Cost; o.TtftTargetSeconds = 0.1; })).Select(context)!.Value;

        Assert.Equal("h100", workers[latency.Candidate].Heartbeat.WorkerId);
        Assert.Equal("910b", workers[cost.Candidate].Heartbeat.WorkerId);
        Assert.Equal("h100", workers[strict.Candidate].Heartbeat.WorkerId); // only the H100 meets 0.1 s (0.065 vs 0.171)
    }

    [Fact]
    public void Cost_BusyWorkerSharesItsSteps_IsCheaperThanWakingAnIdleOne()
    {
        var busy = PredictedCostPolicy.Cost(Workers.Entry(Workers.Heartbeat("busy", running: 15)), 100, 100);
        var idle = PredictedCostPolicy.Cost(Workers.Entry(Workers.Heartbeat("idle")), 100, 100);

        Assert.True(busy < idle / 4, $"busy {busy}, idle {idle}");
    }

    [Fact]
    public void RoundRobin_CyclesThroughWorkersBySlot_SkippingFullQueues()
    {
        var full = Workers.Heartbeat("full", running: 16, waiting: 256);
        var (context, workers) = Context([Workers.Heartbeat("a"), full, Workers.Heartbeat("c")], cachedBlocks: [0, 0, 0]);
        var policy = new RoundRobinPolicy();

        var picks = Enumerable.Range(0, 4).Select(_ => workers[policy.Select(context)!.Value.Candidate].Heartbeat.WorkerId).ToList();

        Assert.DoesNotContain("full", picks);
        Assert.Contains("a", picks);
        Assert.Contains("c", picks);
    }

    [Fact]
    public void LeastLoaded_PrefersTheBackendOrderAmongFreeWorkers()
    {
        var (context, workers) = Context(
            [Workers.Heartbeat("sim", backend: "sim"), Workers.Heartbeat("cpu", backend: "cpu", running: 5)], cachedBlocks: [0, 0]);

        var choice = new LeastLoadedPolicy(Workers.Options()).Select(context)!.Value;

        Assert.Equal("cpu", workers[choice.Candidate].Heartbeat.WorkerId);
        Assert.Equal("sim", workers[choice.RunnerUp].Heartbeat.WorkerId);
    }

    [Fact]
    public void AnyPolicy_EveryQueueFull_ReturnsNull()
    {
        var full = Workers.Heartbeat("full", running: 16, waiting: 256);
        var (context, _) = Context([full], cachedBlocks: [0]);

        Assert.Null(new PredictedCostPolicy(Workers.Options()).Select(context));
        Assert.Null(new PrefixAwarePolicy().Select(context));
        Assert.Null(new RoundRobinPolicy().Select(context));
        Assert.Null(new LeastLoadedPolicy(Workers.Options()).Select(context));
    }

    private static (RoutingContext Context, List<WorkerEntry> Workers) Context(Contracts.WorkerHeartbeat[] heartbeats, int[] cachedBlocks)
    {
        var index = new PrefixIndex();
        var chain = PrefixBlockHash.Compute(Workers.Model, Prompt, 16);
        var entries = heartbeats.Select(Workers.Entry).ToList();
        for (var i = 0; i < entries.Count; i++)
        {
            index.Apply(entries[i].Slot, new KvCacheSnapshot(entries[i].Heartbeat.WorkerId, Workers.Model, 16, 1, chain[..cachedBlocks[i]], DateTimeOffset.UtcNow));
        }

        return (new RoutingContext(index, entries, Workers.Model, Prompt, 0, 100, 1001), entries);
    }
}

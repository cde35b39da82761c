using Suite.Contracts;
using Suite.Contracts.KvCache;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Scheduling;
using static Suite.ModelWorker.Tests.Scheduling.SchedulerHarness;

namespace Suite.ModelWorker.Tests.Scheduling;

/// <summary>The scheduler alone, without any engine: admission, step plans, block accounting, eviction, reuse, cancellation.</summary>
public sealed class BatchSchedulerTests
{
    [Fact]
    public void Admit_OneSlot_HigherPriorityFirstThenFifo()
    {
        var harness = new SchedulerHarness(o => o with { MaxSequences = 1 });
        var first = harness.Add(SchedulerHarness.Prompt(8), maxNew: 1);
        var second = harness.Add(SchedulerHarness.Prompt(8, 1), maxNew: 1);
        var urgent = harness.Add(SchedulerHarness.Prompt(8, 2), maxNew: 1, priority: 5);

        var order = new List<ScheduledSequence>();
        for (var i = 0; i < 10 && order.Count < 3; i++)
        {
            order.AddRange(harness.Step().Select(e => e.Sequence).Where(s => !order.Contains(s)));
        }

        Assert.Equal([urgent, first, second], order);
        Assert.All(order, s => Assert.Equal(FinishReason.Length, Outcome(s).Reason));
    }

    [Fact]
    public void Finish_ASequenceThatCannotBeSampled_FailsAloneAndTheBatchGoesOn()
    {
        var harness = new SchedulerHarness();
        var healthy = harness.Add(SchedulerHarness.Prompt(8), maxNew: 3);
        var refused = harness.Add([ScriptedExecutor.RefuseToken, .. SchedulerHarness.Prompt(7, 1)], maxNew: 3);

        harness.RunUntilIdle();

        Assert.Equal(FinishReason.Error, Outcome(refused).Reason);
        Assert.Equal(FinishReason.Length, Outcome(healthy).Reason);
        Assert.Equal(3, healthy.Generated);
    }

    [Fact]
    public void Plan_DecodingSequencesFirst_ThenPrefillChunksWithinTheBatch()
    {
        var harness = new SchedulerHarness(o => o with { BatchSize = 16 });
        var running = harness.Add(SchedulerHarness.Prompt(10), maxNew: 50);
        harness.Step(); // prefill of the first
        var longPrompt = harness.Add(SchedulerHarness.Prompt(40, 1), maxNew: 2);

        var step = harness.Step();

        Assert.Equal(2, step.Count);
        Assert.Equal(new StepEntry(running, 10, 1, Sample: true), step[0]);
        Assert.Equal(new StepEntry(longPrompt, 0, 15, Sample: false), step[1]);
        var next = harness.Step();
        Assert.Equal(new StepEntry(longPrompt, 15, 15, Sample: false), next[1]);
        var last = harness.Step();
        Assert.Equal(new StepEntry(longPrompt, 30, 10, Sample: true), last[1]);
    }

    [Fact]
    public void Admit_KvBlocksShort_HeadWaitsUntilAnotherReleasesItsBlocks()
    {
        // 6 blocks of 16; each sequence may grow to 10 + 50 = 60 tokens, 4 blocks.
        var harness = new SchedulerHarness(o => o with { ContextLength = 64, KvCapacityTokens = 96, PrefixCache = false });
        var first = harness.Add(SchedulerHarness.Prompt(10), maxNew: 50);
        var second = harness.Add(SchedulerHarness.Prompt(10, 1), maxNew: 50);

        harness.Step();
        Assert.Equal(1, harness.Scheduler.RunningCount);
        Assert.Equal(1, harness.Scheduler.WaitingCount);
        while (!first.Completion.IsCompleted)
        {
            harness.Step();
            Assert.True(harness.Scheduler.KvUsedTokens <= 96);
        }

        harness.Step();
        Assert.Equal(1, harness.Scheduler.RunningCount);
        Assert.Equal(0, harness.Scheduler.WaitingCount);
        harness.RunUntilIdle();
        Assert.Equal(50, Outcome(second).GeneratedTokens);
        Assert.Equal(0, harness.Scheduler.KvUsedTokens);
    }

    [Fact]
    public void Admit_RepeatedPrompt_ReusesWholeCachedBlocksAndPrefillsOnlyTheRest()
    {
        var harness = new SchedulerHarness();
        var prompt = SchedulerHarness.Prompt(40);
        var first = harness.Add(prompt);
        harness.RunUntilIdle();

        var second = harness.Add(prompt);
        var step = harness.Step();
        harness.RunUntilIdle();

        Assert.Equal(0, Outcome(first).CachedTokens);
        Assert.Equal(32, Outcome(second).CachedTokens); // two whole blocks; the last token is always computed
        Assert.Equal(new StepEntry(second, 32, 8, Sample: true), step.Single());
        Assert.Equal(first.History, second.History);
        var stats = harness.Scheduler.Statistics;
        Assert.Equal(80, stats.QueryTokens);
        Assert.Equal(32, stats.HitTokens);
    }

    [Fact]
    public void Admit_PromptExtendingACachedConversation_HitsEveryBlockOfTheSharedStart()
    {
        var harness = new SchedulerHarness();
        var turn1 = harness.Add(SchedulerHarness.Prompt(50), maxNew: 20);
        harness.RunUntilIdle();

        // The next turn's prompt: the first turn's prompt and reply (its KV holds 69 of the 70 tokens), then more.
        var turn2 = harness.Add([.. turn1.History, .. SchedulerHarness.Prompt(30, 9)]);
        harness.RunUntilIdle();

        Assert.Equal(64, Outcome(turn2).CachedTokens);
    }

    [Fact]
    public void Admit_RoomNeeded_EvictsLeastRecentlyUsedUnreferencedBlocksFirst()
    {
        // 16 blocks; each sequence of a 32-token prompt and 16 new tokens reserves 3.
        var harness = new SchedulerHarness(o => o with { MaxSequences = 1, ContextLength = 64, KvCapacityTokens = 16 * 16 });
        var a = SchedulerHarness.Prompt(33, 1);
        var b = SchedulerHarness.Prompt(33, 2);
        harness.Add(a, maxNew: 16);
        harness.RunUntilIdle();
        harness.Add(b, maxNew: 16);
        harness.RunUntilIdle();
        harness.Add(a, maxNew: 16); // a is now more recent than b
        harness.RunUntilIdle();
        harness.Scheduler.Events.Drain();

        // Fill the pool: each of these needs room until only a's blocks can stay.
        for (var i = 0; i < 4; i++)
        {
            harness.Add(SchedulerHarness.Prompt(40, 10 + i), maxNew: 20);
            harness.RunUntilIdle();
        }

        var evicted = harness.Scheduler.Events.Drain()!.Evicted.ToHashSet();
        var bBlocks = PrefixBlockHash.Compute("test-model", b, 16);
        var aBlocks = PrefixBlockHash.Compute("test-model", a, 16);
        // b's blocks went first (deepest first), a's two prompt blocks, used more recently, were kept.
        Assert.Contains(bBlocks[1], evicted);
        Assert.DoesNotContain(aBlocks[0], evicted);
        Assert.DoesNotContain(aBlocks[1], evicted);
        var again = harness.Add(a, maxNew: 1);
        harness.RunUntilIdle();
        Assert.Equal(32, Outcome(again).CachedTokens);
    }

    [Fact]
    public void Cancel_SequenceUsingCachedBlocks_ReleasesItsReferencesAndTheBlocksStayCached()
    {
        var harness = new SchedulerHarness();
        var prompt = SchedulerHarness.Prompt(48);
        harness.Add(prompt);
        harness.RunUntilIdle();
        var user = harness.Add(prompt, maxNew: 100);
        harness.Step();
        Assert.True(harness.Scheduler.KvUsedTokens >= 32);

        user.Cancel();
        harness.Step();

        Assert.Equal(FinishReason.Cancelled, Outcome(user).Reason);
        Assert.Equal(0, harness.Scheduler.KvUsedTokens);
        Assert.Equal(0, harness.Scheduler.RunningCount);
        Assert.Equal(3, harness.Scheduler.Statistics.CachedBlocks);
        Assert.Equal(harness.Executor.StatesCreated, harness.Executor.StatesDisposed);
    }

    [Fact]
    public void Cancel_WaitingSequence_CompletesWithoutTakingASlot()
    {
        var harness = new SchedulerHarness(o => o with { MaxSequences = 1 });
        var running = harness.Add(SchedulerHarness.Prompt(8), maxNew: 100);
        var waiting = harness.Add(SchedulerHarness.Prompt(8, 1));
        harness.Step();

        waiting.Cancel();
        harness.Step();

        Assert.Equal(FinishReason.Cancelled, Outcome(waiting).Reason);
        Assert.Equal(0, Outcome(waiting).GeneratedTokens);
        Assert.Equal(0, harness.Scheduler.WaitingCount);
        Assert.False(running.Completion.IsCompleted);
    }

    [Fact]
    public void Running_TwoSequencesOfOnePrompt_ShareItsCachedBlocksOnce()
    {
        var harness = new SchedulerHarness();
        var prompt = SchedulerHarness.Prompt(64);
        harness.Add(prompt, maxNew: 1);
        harness.RunUntilIdle();

        harness.Add(prompt, maxNew: 100);
        harness.Add(prompt, maxNew: 100);
        harness.Step();

        // 3 shared blocks, plus each sequence's own last block (the recomputed last prompt token onwards).
        Assert.Equal((3 + 2) * 16, harness.Scheduler.KvUsedTokens);
    }

    [Fact]
    public void Finish_EndOfGeneration_StopsWithoutEmittingUnlessIgnored()
    {
        var harness = new SchedulerHarness();
        var stops = harness.Add([ScriptedExecutor.StopToken, 5, 6], maxNew: 10);
        var ignores = harness.Scheduler.Schedule(
            new SequenceRequest(Guid.NewGuid(), [ScriptedExecutor.StopToken, 5, 6], SamplingParameters.Greedy, 10, IgnoreEos: true), 0, static () => { });
        harness.RunUntilIdle();

        Assert.Equal(FinishReason.Stop, Outcome(stops).Reason);
        Assert.Equal(0, Outcome(stops).GeneratedTokens);
        Assert.Equal(FinishReason.Length, Outcome(ignores).Reason);
        Assert.Equal(10, Outcome(ignores).GeneratedTokens);
    }

    [Fact]
    public void Events_AfterARun_StoredBlocksAreThePromptsChainedHashes_AndASnapshotHoldsThem()
    {
        var harness = new SchedulerHarness();
        var prompt = SchedulerHarness.Prompt(50);
        var sequence = harness.Add(prompt, maxNew: 20);
        harness.RunUntilIdle();

        var batch = harness.Scheduler.Events.Drain()!;
        var (at, blocks) = harness.Scheduler.Events.Snapshot();

        // The KV holds 69 tokens (the last generated token is never decoded): 4 full blocks.
        var expected = PrefixBlockHash.Compute("test-model", sequence.History.Take(69).ToArray(), 16);
        Assert.Equal(4, expected.Length);
        Assert.Equal(expected.Order(), batch.Stored.Order());
        Assert.Empty(batch.Evicted);
        Assert.Equal(1, batch.Sequence);
        Assert.Equal(1, at);
        Assert.Equal(expected.Order(), blocks.Order());
        Assert.Null(harness.Scheduler.Events.Drain());
    }

    [Fact]
    public void Release_LaneAddressedCache_MovesBlocksToAHolderLaneInOneCopy_AndAHitCopiesThemBack()
    {
        var harness = new SchedulerHarness(o => o with { HolderLanes = 2 });
        var prompt = SchedulerHarness.Prompt(40);
        harness.Add(prompt, maxNew: 1);
        harness.RunUntilIdle();

        // Slot 0 held blocks 0..1 (32 tokens) and a partial third: the full ones go to holder lane 4 (after 4 slots).
        Assert.Equal([KvOperation.Copy(0, 4, 0, 32), KvOperation.Remove(0)], harness.Operations);
        harness.Operations.Clear();

        harness.Add(prompt, maxNew: 1);
        harness.RunUntilIdle();
        Assert.Equal(KvOperation.Copy(4, 0, 0, 32), harness.Operations[0]);
        Assert.Equal(KvOperation.Remove(0), harness.Operations[^1]);
    }

    [Fact]
    public void Release_LaneAddressedCache_CompletesTheSequenceOnlyAfterItsLaneIsEmptied()
    {
        var harness = new SchedulerHarness(o => o with { HolderLanes = 2 });
        var scheduler = harness.Scheduler;
        var sequence = harness.Add(SchedulerHarness.Prompt(40), maxNew: 1);
        var now = 0.01;
        scheduler.Admit(now, now);
        scheduler.ApplyKvOperations(_ => { });
        scheduler.Finish(scheduler.Plan()!, now); // prefills and samples its one token: released

        Assert.False(sequence.Completion.IsCompleted, "a released sequence completes only once its cells are removed");
        var applied = new List<KvOperation>();
        scheduler.ApplyKvOperations(operation =>
        {
            Assert.False(sequence.Completion.IsCompleted);
            applied.Add(operation);
        });

        Assert.Contains(KvOperation.Remove(0), applied);
        Assert.Equal(FinishReason.Length, SchedulerHarness.Outcome(sequence).Reason);
        Assert.Empty(scheduler.KvOperations);
    }

    [Fact]
    public void Release_ApplyingTheCellOperationsFails_TheSequencesStillComplete()
    {
        var harness = new SchedulerHarness(o => o with { HolderLanes = 2 });
        var scheduler = harness.Scheduler;
        var sequence = harness.Add(SchedulerHarness.Prompt(40), maxNew: 1);
        scheduler.Admit(0.01, 0.01);
        scheduler.ApplyKvOperations(_ => { });
        scheduler.Finish(scheduler.Plan()!, 0.01);

        Assert.Throws<InvalidOperationException>(() => scheduler.ApplyKvOperations(_ => throw new InvalidOperationException("native failure")));
        Assert.Equal(FinishReason.Length, SchedulerHarness.Outcome(sequence).Reason);
        Assert.Empty(scheduler.KvOperations);
    }

    [Fact]
    public void Release_EveryHolderLaneTakenAtThatPosition_TheLeastRecentlyUsedBlockMakesRoom()
    {
        var harness = new SchedulerHarness(o => o with { HolderLanes = 1 });
        var first = SchedulerHarness.Prompt(20, 1);
        var second = SchedulerHarness.Prompt(20, 2);
        harness.Add(first, maxNew: 1);
        harness.RunUntilIdle();
        harness.Add(second, maxNew: 1);
        harness.RunUntilIdle();

        // One holder lane, one block per position: the second prompt's block replaced the first's (net changes).
        var events = harness.Scheduler.Events.Drain()!;
        Assert.Equal([PrefixBlockHash.Compute("test-model", second, 16)[0]], events.Stored);
        Assert.Equal([PrefixBlockHash.Compute("test-model", first, 16)[0]], events.Evicted);
        Assert.Equal(1, harness.Scheduler.Statistics.CachedBlocks);
        Assert.Contains(KvOperation.Remove(4, 0, 16), harness.Operations);
    }

    [Fact]
    public void Schedule_QueueFullOrPromptTooLong_Throws()
    {
        var harness = new SchedulerHarness(o => o with { MaxWaiting = 1 });
        harness.Add(SchedulerHarness.Prompt(8));

        Assert.Throws<BackendFullException>(() => harness.Add(SchedulerHarness.Prompt(8)));
        Assert.Throws<ArgumentException>(() => harness.Add(SchedulerHarness.Prompt(256)));
        Assert.Throws<ArgumentException>(() => harness.Add([]));
    }
}

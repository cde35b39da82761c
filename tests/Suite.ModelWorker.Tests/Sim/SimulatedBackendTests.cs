using System.Diagnostics;
using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Backends.Sim;

namespace Suite.ModelWorker.Tests.Sim;

public sealed class SimulatedBackendTests(SmokeModelFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Info_IsLabelledSimulated()
    {
        await using var backend = SimBackends.Create(fixture, SimulatedHardwareProfiles.Ascend910B);

        Assert.Equal("sim", backend.Info.Name);
        Assert.True(backend.Info.Simulated);
        Assert.Equal("Huawei Ascend 910B 64GB (simulated)", backend.Info.Device);
        Assert.Equal(fixture.Model.Description, backend.Model);
        Assert.Equal(4096, backend.ContextLength);
        Assert.Equal(16, backend.GetCapacity().MaxSequences);
    }

    [Fact]
    public void Vocabulary_FromGgufHeader_MatchesLlamaCpp()
    {
        var simulated = SimBackends.Vocabulary(fixture);
        var real = fixture.Backend.Vocabulary;

        Assert.Equal(real.Count, simulated.Count);
        for (var token = 0; token < real.Count; token++)
        {
            Assert.True(real.Piece(token).SequenceEqual(simulated.Piece(token)), $"token {token} bytes differ");
            Assert.Equal(real.IsEndOfGeneration(token), simulated.IsEndOfGeneration(token));
        }

        foreach (var token in simulated.GeneratableTokens)
        {
            Assert.False(simulated.IsEndOfGeneration(token));
            Assert.NotEqual(0, simulated.Piece(token).Length);
        }
    }

    [Fact]
    public async Task SamePrompt_SameTokensOnAnyProfile_OtherPromptOtherTokens()
    {
        await using var h100 = SimBackends.Create(fixture, SimulatedHardwareProfiles.H100Sxm);
        await using var ascend = SimBackends.Create(fixture, SimulatedHardwareProfiles.Ascend910C);
        var prompt = SimBackends.Prompt(20);

        var first = await SequenceRunner.RunAsync(h100, SequenceRunner.Greedy(prompt, 40));
        var second = await SequenceRunner.RunAsync(ascend, SequenceRunner.Greedy(prompt, 40));
        var other = await SequenceRunner.RunAsync(h100, SequenceRunner.Greedy(SimBackends.Prompt(20, seed: 1), 40));

        Assert.Equal(40, first.Tokens.Count);
        Assert.Equal(FinishReason.Length, first.Outcome.Reason);
        Assert.Equal(first.Tokens, second.Tokens);
        Assert.NotEqual(first.Tokens, other.Tokens);
        Assert.True(first.Tokens.Distinct().Count() > 30, "the stream should look like text, not repeat one token");
        Assert.All(first.Tokens, t => Assert.False(h100.Vocabulary.IsEndOfGeneration(t)));
    }

    [Fact]
    public async Task HandOver_PromptPlusFirstTenGenerated_ContinuesWithTheSameTwenty()
    {
        await using var first = SimBackends.Create(fixture, SimulatedHardwareProfiles.H100Sxm);
        await using var second = SimBackends.Create(fixture, SimulatedHardwareProfiles.Cpu32Core, o => o with { TimeScale = 0.001 });
        var prompt = SimBackends.Prompt(17, seed: 3);

        var undisturbed = await SequenceRunner.RunAsync(first, SequenceRunner.Greedy(prompt, 30));
        var handedOver = await SequenceRunner.RunAsync(
            second, SequenceRunner.Greedy([.. prompt, .. undisturbed.Tokens.Take(10)], 20));

        Assert.Equal(30, undisturbed.Tokens.Count);
        Assert.Equal(undisturbed.Tokens.Skip(10), handedOver.Tokens);
        Assert.Equal(27, handedOver.Outcome.PrefixTokens);
    }

    [Fact]
    public async Task MeanOutputTokens_StopsDeterministically_AndIgnoreEosExtendsTheSameStream()
    {
        await using var backend = SimBackends.Create(fixture, configure: o => o with { MeanOutputTokens = 8 });
        var stops = 0;
        for (var seed = 0; seed < 10; seed++)
        {
            var prompt = SimBackends.Prompt(12, seed);
            var stopped = await SequenceRunner.RunAsync(backend, SequenceRunner.Greedy(prompt, 200));
            var again = await SequenceRunner.RunAsync(backend, SequenceRunner.Greedy(prompt, 200));
            var ignoring = await SequenceRunner.RunAsync(backend, SequenceRunner.Greedy(prompt, 200, ignoreEos: true));

            Assert.Equal(stopped.Tokens, again.Tokens);
            Assert.Equal(stopped.Outcome.Reason, again.Outcome.Reason);
            Assert.Equal(200, ignoring.Tokens.Count);
            Assert.Equal(stopped.Tokens, ignoring.Tokens.Take(stopped.Tokens.Count));
            if (stopped.Outcome.Reason == FinishReason.Stop)
            {
                stops++;

                // A hand-over just before the stop ends at the same place.
                var cut = stopped.Tokens.Count / 2;
                var continued = await SequenceRunner.RunAsync(
                    backend, SequenceRunner.Greedy([.. prompt, .. stopped.Tokens.Take(cut)], 200));
                Assert.Equal(stopped.Tokens.Skip(cut), continued.Tokens);
                Assert.Equal(FinishReason.Stop, continued.Outcome.Reason);
            }
        }

        Assert.True(stops >= 8, $"with a mean of 8 tokens nearly every 200-token run should stop early ({stops}/10 did)");
    }

    [Fact]
    public async Task DecodeSteps_FollowTheProfileFormula_InReportedAndWallClockTime()
    {
        var profile = SimulatedHardwareProfiles.Cpu32Core;
        const double scale = 0.05;
        await using var backend = SimBackends.Create(fixture, profile, o => o with { TimeScale = scale });
        var prompts = Enumerable.Range(0, 4).Select(i => SimBackends.Prompt(32, i)).ToList();

        var watch = Stopwatch.StartNew();
        var sequences = prompts.Select(p => backend.Schedule(SequenceRunner.Greedy(p, 30))).ToList();
        var results = await Task.WhenAll(sequences.Select(SequenceRunner.CollectAsync));
        watch.Stop();

        // A sequence joins the first step that starts after it arrived, so the four usually start a step or two apart:
        // the first steps carry the others' prefill and the last ones have fewer sequences. In between, every step is
        // base + 4 × per-sequence, and no step is ever shorter than a batch-1 decode step.
        var prefill = profile.StepSeconds(0, 4 * 32);
        var step = profile.DecodeStepSeconds(4);
        foreach (var (tokens, outcome) in results)
        {
            Assert.Equal(30, tokens.Count);
            Assert.InRange(outcome.PrefillSeconds, profile.PrefillSeconds(32) - 1e-9, profile.StepSeconds(3, 4 * 32) + 1e-9);
            Assert.Equal(29, outcome.InterTokenSeconds.Length);
            Assert.True(outcome.InterTokenSeconds.Count(s => Math.Abs(s - step) < 1e-4) >= 20, "most steps are batch-4 decode steps");
            Assert.All(outcome.InterTokenSeconds, s => Assert.True(s >= profile.DecodeStepSeconds(1) - 1e-4));
            Assert.InRange(outcome.DecodeSeconds, (29 * step) - (8 * (step - profile.DecodeStepSeconds(1))), (29 * step) + (2 * prefill));
        }

        var expectedWall = (prefill + (29 * step)) * scale;
        output.WriteLine($"decode step {step * 1000:0.##} ms simulated; wall {watch.Elapsed.TotalSeconds:0.###} s, expected {expectedWall:0.###} s");
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.8 * expectedWall, (3 * expectedWall) + 1);
    }

    [Fact]
    public async Task DecodeThroughput_BatchOfOneOnH100_MatchesBasePlusOneSequence()
    {
        var profile = SimulatedHardwareProfiles.H100Sxm;
        await using var backend = SimBackends.Create(fixture, profile, o => o with { TimeScale = 0.2 });

        var (tokens, outcome) = await SequenceRunner.RunAsync(backend, SequenceRunner.Greedy(SimBackends.Prompt(100), 50));

        var expected = profile.DecodeStepSeconds(1);
        Assert.Equal(50, tokens.Count);
        Assert.Equal(expected, outcome.InterTokenSeconds.Average(), 4);
        Assert.Equal(profile.PrefillSeconds(100), outcome.PrefillSeconds, 6);
        Assert.InRange(outcome.FirstTokenSeconds, outcome.PrefillSeconds, outcome.PrefillSeconds + 0.2);
        output.WriteLine($"H100 batch 1: {1 / expected:0} tokens/s simulated");
    }

    [Fact]
    public async Task BatchOfSixteen_AllFinishAndRunTogether()
    {
        await using var backend = SimBackends.Create(fixture, configure: o => o with { TimeScale = 0.05 });
        var sequences = Enumerable.Range(0, 16)
            .Select(i => backend.Schedule(SequenceRunner.Greedy(SimBackends.Prompt(10 + i, i), 40)))
            .ToList();

        var results = await Task.WhenAll(sequences.Select(SequenceRunner.CollectAsync));

        Assert.All(results, r =>
        {
            Assert.Equal(40, r.Tokens.Count);
            Assert.Equal(FinishReason.Length, r.Outcome.Reason);
        });

        // With 16 slots nobody waited for a slot: at most for the step in progress when it arrived and, when the 16
        // schedule calls straddle a step boundary on a loaded machine, the one after. The steps were batch-16 steps.
        var longestStep = backend.Profile.StepSeconds(16, 16 * 25);
        Assert.All(results, r => Assert.InRange(r.Outcome.QueueSeconds, 0, 2 * longestStep));
        var step16 = backend.Profile.DecodeStepSeconds(16);
        Assert.Contains(results.SelectMany(r => r.Outcome.InterTokenSeconds), s => Math.Abs(s - step16) < 1e-6);
        var capacity = backend.GetCapacity();
        Assert.Equal(0, capacity.RunningSequences);
        Assert.Equal(0, capacity.KvUsedTokens);
    }

    [Fact]
    public async Task Cancel_RunningSequence_FreesItsSlotForTheWaitingOne()
    {
        await using var backend = SimBackends.Create(fixture, configure: o => o with { MaxSequences = 1, TimeScale = 0.1 });
        var prompt = SimBackends.Prompt(8);
        var running = backend.Schedule(SequenceRunner.Greedy(prompt, 3000));
        var waiting = backend.Schedule(SequenceRunner.Greedy(prompt, 5));
        await running.Tokens.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, backend.GetCapacity().WaitingSequences);

        running.Cancel();
        running.Cancel(); // idempotent
        var cancelled = await SequenceRunner.CollectAsync(running);
        var next = await SequenceRunner.CollectAsync(waiting);

        Assert.Equal(FinishReason.Cancelled, cancelled.Outcome.Reason);
        Assert.InRange(cancelled.Tokens.Count, 1, 2999);
        Assert.Equal(FinishReason.Length, next.Outcome.Reason);
        Assert.Equal(5, next.Tokens.Count);
        var capacity = backend.GetCapacity();
        Assert.Equal(0, capacity.RunningSequences);
        Assert.Equal(0, capacity.WaitingSequences);
        Assert.Equal(0, capacity.KvUsedTokens);
    }

    [Fact]
    public async Task Cancel_WaitingSequence_CompletesCancelledWithoutTokens()
    {
        await using var backend = SimBackends.Create(fixture, configure: o => o with { MaxSequences = 1, TimeScale = 0.1 });
        var running = backend.Schedule(SequenceRunner.Greedy(SimBackends.Prompt(8), 3000));
        var waiting = backend.Schedule(SequenceRunner.Greedy(SimBackends.Prompt(8), 5));

        waiting.Cancel();
        var outcome = await SequenceRunner.CollectAsync(waiting);
        running.Cancel();
        await running.Completion;

        Assert.Equal(FinishReason.Cancelled, outcome.Outcome.Reason);
        Assert.Empty(outcome.Tokens);
    }

    [Fact]
    public async Task Schedule_WaitingQueueFull_ThrowsBackendFullException()
    {
        await using var backend = SimBackends.Create(fixture, configure: o => o with { MaxSequences = 1, MaxWaiting = 2, TimeScale = 0.1 });
        var scheduled = new List<ISequence>();

        // The first may or may not have left the queue yet, so the fourth is the latest that can be refused.
        var error = Assert.Throws<BackendFullException>(() =>
        {
            for (var i = 0; i < 4; i++)
            {
                scheduled.Add(backend.Schedule(SequenceRunner.Greedy(SimBackends.Prompt(8), 200)));
            }
        });

        Assert.Contains("waiting", error.Message);
        scheduled.ForEach(s => s.Cancel());
        await Task.WhenAll(scheduled.Select(s => s.Completion));
    }

    [Fact]
    public async Task Schedule_PromptTooLongOrInvalid_ThrowsArgumentException_AndLongPromptsCapAtTheContext()
    {
        await using var backend = SimBackends.Create(fixture, configure: o => o with { ContextLength = 64 });

        Assert.Throws<ArgumentException>(() => backend.Schedule(SequenceRunner.Greedy(SimBackends.Prompt(64), 10)));
        Assert.Throws<ArgumentException>(() => backend.Schedule(SequenceRunner.Greedy([], 10)));
        Assert.Throws<ArgumentException>(() => backend.Schedule(SequenceRunner.Greedy(SimBackends.Prompt(4), 0)));
        Assert.Throws<ArgumentException>(() => backend.Schedule(SequenceRunner.Greedy([backend.Vocabulary.Count], 10)));

        var (tokens, outcome) = await SequenceRunner.RunAsync(backend, SequenceRunner.Greedy(SimBackends.Prompt(60), 100));
        Assert.Equal(FinishReason.Length, outcome.Reason);
        Assert.Equal(4, tokens.Count);
    }

    [Fact]
    public async Task Admission_HigherPriorityFirst_ThenFifo()
    {
        await using var backend = SimBackends.Create(fixture, configure: o => o with { MaxSequences = 1, TimeScale = 0.1 });
        var prompt = SimBackends.Prompt(8);
        var running = backend.Schedule(SequenceRunner.Greedy(prompt, 10));
        var low1 = backend.Schedule(SequenceRunner.Greedy(prompt, 3));
        var low2 = backend.Schedule(SequenceRunner.Greedy(prompt, 3));
        var high = backend.Schedule(SequenceRunner.Greedy(prompt, 3, priority: 5));

        var outcomes = await Task.WhenAll(new[] { running, low1, low2, high }.Select(s => s.Completion));

        Assert.True(outcomes[3].QueueSeconds < outcomes[1].QueueSeconds, "the high-priority sequence should be admitted first");
        Assert.True(outcomes[1].QueueSeconds < outcomes[2].QueueSeconds, "equal priorities are admitted in order");
    }

    [Fact]
    public async Task KvCapacity_FullCacheHoldsBackAdmission_AndUseNeverExceedsIt()
    {
        await using var backend = SimBackends.Create(
            fixture, configure: o => o with { ContextLength = 64, KvCapacityTokens = 96, MaxSequences = 4, TimeScale = 0.1 });
        var sequences = Enumerable.Range(0, 3)
            .Select(i => backend.Schedule(SequenceRunner.Greedy(SimBackends.Prompt(10, i), 50))) // 4 blocks of 16 reserved each, of 6
            .ToList();
        var all = Task.WhenAll(sequences.Select(SequenceRunner.CollectAsync));

        var maxRunning = 0;
        long maxUsed = 0;
        while (!all.IsCompleted)
        {
            var capacity = backend.GetCapacity();
            maxRunning = Math.Max(maxRunning, capacity.RunningSequences);
            maxUsed = Math.Max(maxUsed, capacity.KvUsedTokens);
            Assert.Equal(96, capacity.KvCapacityTokens);
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        var results = await all;
        Assert.All(results, r => Assert.Equal(50, r.Tokens.Count));
        Assert.Equal(1, maxRunning);
        Assert.InRange(maxUsed, 1, 96);
        // The second waits for the first to finish (less the head start the first had, which the 2-core host may stretch).
        Assert.True(results[1].Outcome.QueueSeconds >= 0.5 * results[0].Outcome.DecodeSeconds, "the second waits for the first's KV");
    }

    [Fact]
    public async Task DisposeAsync_RunningAndWaiting_CompleteCancelledAndRefuseNewWork()
    {
        var backend = SimBackends.Create(fixture, configure: o => o with { MaxSequences = 1, TimeScale = 0.1 });
        var running = backend.Schedule(SequenceRunner.Greedy(SimBackends.Prompt(8), 3000));
        var waiting = backend.Schedule(SequenceRunner.Greedy(SimBackends.Prompt(8), 3000));
        await running.Tokens.ReadAsync(TestContext.Current.CancellationToken);

        await backend.DisposeAsync();
        await backend.DisposeAsync(); // idempotent

        Assert.Equal(FinishReason.Cancelled, (await running.Completion).Reason);
        Assert.Equal(FinishReason.Cancelled, (await waiting.Completion).Reason);
        Assert.Throws<ObjectDisposedException>(() => backend.Schedule(SequenceRunner.Greedy(SimBackends.Prompt(8), 1)));
        running.Cancel(); // after disposal: harmless
    }

    [Fact]
    public async Task TwoHundredBackends_InOneProcess_AllFinishInTimeAndOnTheirTimeline()
    {
        // Every profile in turn, at a tenth of real time: the CPU backends take ~0.3 s of wall time for their three
        // sequences, the accelerators a few milliseconds.
        const double scale = 0.1;
        var backends = Enumerable.Range(0, 200)
            .Select(i => SimBackends.Create(
                fixture,
                SimulatedHardwareProfiles.All[i % SimulatedHardwareProfiles.All.Count],
                o => o with { TimeScale = scale }))
            .ToList();
        try
        {
            var watch = Stopwatch.StartNew();
            var runs = backends
                .SelectMany((b, i) => Enumerable.Range(0, 3)
                    .Select(j => SequenceRunner.RunAsync(b, SequenceRunner.Greedy(SimBackends.Prompt(16, (i * 3) + j), 16))))
                .ToList();
            var results = await Task.WhenAll(runs);
            watch.Stop();

            var cpu = SimulatedHardwareProfiles.Cpu32Core;
            var cpuSimulated = cpu.StepSeconds(0, 3 * 16) + (15 * cpu.DecodeStepSeconds(3));
            output.WriteLine($"200 backends × 3 sequences × 16 tokens: {watch.Elapsed.TotalSeconds:0.###} s wall; the CPU ones need {cpuSimulated * scale:0.###} s");
            Assert.Equal(600, results.Length);
            Assert.All(results, r => Assert.Equal(16, r.Tokens.Count));
            Assert.True(watch.Elapsed.TotalSeconds >= 0.5 * cpuSimulated * scale, "the CPU backends cannot finish before their simulated time");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        }
        finally
        {
            await Task.WhenAll(backends.Select(b => b.DisposeAsync().AsTask()));
        }
    }
}

using Suite.Contracts;
using Suite.Contracts.KvCache;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Tests.Sim;

namespace Suite.ModelWorker.Tests.Scheduling;

/// <summary>
/// The scheduler's contract, checked on both backends that use it: the llama.cpp engine (the shared exact-numerics
/// backend) and the simulator. Each test uses prompts of its own, so blocks cached by other tests do not count.
/// </summary>
public sealed class SchedulerContractTests(SmokeModelFixture fixture)
{
    public static TheoryData<string> Backends => ["llama.cpp", "sim"];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task RepeatedPrompt_SecondRunTakesWholeBlocksFromTheCache_AndGivesTheSameTokens(string kind)
    {
        await using var lease = Lease(kind);
        var prompt = SimBackends.Prompt(100, seed: 7001 + kind.Length);

        var first = await SequenceRunner.RunAsync(lease.Backend, SequenceRunner.Greedy(prompt, 24, ignoreEos: true));
        var second = await SequenceRunner.RunAsync(lease.Backend, SequenceRunner.Greedy(prompt, 24, ignoreEos: true));

        Assert.Equal(0, first.Outcome.CachedTokens);
        Assert.Equal(96, second.Outcome.CachedTokens); // 6 whole blocks of 16; the last prompt token is computed
        Assert.Equal(first.Tokens, second.Tokens);
        Assert.Equal(24, second.Tokens.Count);
        var cache = lease.Backend.GetCapacity().Cache!;
        Assert.True(cache.Enabled);
        Assert.True(cache.HitTokens >= 96 && cache.QueryTokens >= 200, $"hits {cache.HitTokens}, queries {cache.QueryTokens}");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task NextTurn_PromptStartingWithThePreviousTurn_ReusesItsPromptAndReply(string kind)
    {
        await using var lease = Lease(kind);
        var turn1 = SimBackends.Prompt(70, seed: 7101 + kind.Length);
        var reply = await SequenceRunner.RunAsync(lease.Backend, SequenceRunner.Greedy(turn1, 30, ignoreEos: true));

        int[] turn2 = [.. turn1, .. reply.Tokens, .. SimBackends.Prompt(20, seed: 7201)];
        var next = await SequenceRunner.RunAsync(lease.Backend, SequenceRunner.Greedy(turn2, 8, ignoreEos: true));

        // The first turn's KV held 70 + 29 tokens (its last token was never decoded): 6 whole blocks.
        Assert.Equal(96, next.Outcome.CachedTokens);
        Assert.Equal(8, next.Tokens.Count);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task KvEvents_AfterARun_HoldThePromptsChainedBlockHashes(string kind)
    {
        await using var lease = Lease(kind);
        var backend = lease.Backend;
        var prompt = SimBackends.Prompt(64, seed: 7301 + kind.Length);

        await SequenceRunner.RunAsync(backend, SequenceRunner.Greedy(prompt, 4, ignoreEos: true));
        var (_, blocks) = backend.KvEvents!.Snapshot();

        var expected = PrefixBlockHash.Compute(backend.Model.Id, prompt, backend.KvEvents.BlockTokens);
        Assert.Equal(4, expected.Length);
        Assert.Subset(blocks.ToHashSet(), expected.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Cancel_SequenceOnCachedBlocks_ReleasesItsSlotAndBlocks(string kind)
    {
        await using var lease = Lease(kind);
        var backend = lease.Backend;
        var prompt = SimBackends.Prompt(80, seed: 7401 + kind.Length);
        await SequenceRunner.RunAsync(backend, SequenceRunner.Greedy(prompt, 2, ignoreEos: true));

        var sequence = backend.Schedule(SequenceRunner.Greedy(prompt, 3000, ignoreEos: true));
        await sequence.Tokens.ReadAsync(TestContext.Current.CancellationToken);
        sequence.Cancel();
        var outcome = await sequence.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(FinishReason.Cancelled, outcome.Reason);
        Assert.Equal(64, outcome.CachedTokens);
        var capacity = backend.GetCapacity();
        Assert.Equal(0, capacity.RunningSequences);
        Assert.Equal(0, capacity.KvUsedTokens);
        Assert.True(capacity.Cache!.CachedBlocks >= 4);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task BatchOfSharedPrompts_AllGetTheTokensOfTheUncachedRun(string kind)
    {
        await using var lease = Lease(kind);
        var system = SimBackends.Prompt(64, seed: 7501 + kind.Length);
        var questions = Enumerable.Range(0, 6).Select(i => (int[])[.. system, .. SimBackends.Prompt(9, seed: 7600 + i)]).ToArray();
        var alone = new List<List<int>>();
        foreach (var question in questions.Take(2))
        {
            alone.Add((await SequenceRunner.RunAsync(lease.Backend, SequenceRunner.Greedy(question, 16, ignoreEos: true))).Tokens);
        }

        var batched = await Task.WhenAll(questions.Select(q => SequenceRunner.RunAsync(lease.Backend, SequenceRunner.Greedy(q, 16, ignoreEos: true))));

        Assert.Equal(alone[0], batched[0].Tokens);
        Assert.Equal(alone[1], batched[1].Tokens);
        Assert.All(batched, b => Assert.Equal(64, b.Outcome.CachedTokens));
    }

    private Lease Lease(string kind) => kind == "sim"
        ? new Lease(SimBackends.Create(fixture), owned: true)
        : new Lease(fixture.Backend, owned: false);
}

using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Backends.LlamaCpp;

namespace Suite.ModelWorker.Tests;

/// <summary>Limits that need a backend of their own: one slot, two waiting places, a 256-token context.</summary>
public sealed class SmallBackendTests(SmokeModelFixture fixture) : IAsyncLifetime
{
    private LlamaCppBackend _backend = null!;

    public ValueTask InitializeAsync()
    {
        _backend = new LlamaCppBackend(new LlamaCppBackendOptions
        {
            ModelPath = fixture.Model.Path,
            MaxSequences = 1,
            MaxWaiting = 2,
            ContextLength = 256,
            BatchSize = 64,
            Threads = 1,
            KvCacheType = KvCacheType.F32,
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    [Fact]
    public async Task Schedule_WaitingQueueFull_ThrowsBackendFullException()
    {
        var prompt = _backend.Tokenize("Fill the queue");
        var scheduled = new List<ISequence>();

        // The first may or may not have left the queue yet, so the fourth is the latest that can be refused.
        var error = Assert.Throws<BackendFullException>(() =>
        {
            for (var i = 0; i < 4; i++)
            {
                scheduled.Add(_backend.Schedule(SequenceRunner.Greedy(prompt, 200, ignoreEos: true)));
            }
        });

        Assert.Contains("waiting", error.Message);
        scheduled.ForEach(s => s.Cancel());
        await Task.WhenAll(scheduled.Select(s => s.Completion));
    }

    [Fact]
    public async Task Generate_PromptNearContextEnd_CapsAtContextWithReasonLength()
    {
        var prompt = Enumerable.Range(0, 250).Select(i => 1000 + i).ToArray(); // prefilled in 64-token chunks

        var (tokens, outcome) = await SequenceRunner.RunAsync(_backend, SequenceRunner.Greedy(prompt, 100, ignoreEos: true));

        Assert.Equal(FinishReason.Length, outcome.Reason);
        Assert.Equal(6, tokens.Count);
        Assert.Equal(256, _backend.GetCapacity().KvCapacityTokens);
    }

    [Fact]
    public async Task Prefill_InChunksOf64_SameTokensAsOneChunk()
    {
        var prompt = Enumerable.Range(0, 200).Select(i => 2000 + (i * 37 % 5000)).ToArray();

        var chunked = await SequenceRunner.RunAsync(_backend, SequenceRunner.Greedy(prompt, 16, ignoreEos: true));
        var whole = await SequenceRunner.RunAsync(fixture.Backend, SequenceRunner.Greedy(prompt, 16, ignoreEos: true));

        Assert.Equal(16, chunked.Tokens.Count);
        Assert.Equal(whole.Tokens, chunked.Tokens);
    }

    [Fact]
    public async Task DisposeAsync_RunningAndWaiting_CompleteCancelledAndRefuseNewWork()
    {
        var prompt = _backend.Tokenize("Shutting down");
        var running = _backend.Schedule(SequenceRunner.Greedy(prompt, 250, ignoreEos: true));
        var waiting = _backend.Schedule(SequenceRunner.Greedy(prompt, 250, ignoreEos: true));
        await running.Tokens.ReadAsync(TestContext.Current.CancellationToken);

        await _backend.DisposeAsync();

        Assert.Equal(FinishReason.Cancelled, (await running.Completion).Reason);
        Assert.Equal(FinishReason.Cancelled, (await waiting.Completion).Reason);
        Assert.Throws<ObjectDisposedException>(() => _backend.Schedule(SequenceRunner.Greedy(prompt, 1)));
    }

    [Fact]
    public void Schedule_PromptOfContextLength_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => _backend.Schedule(SequenceRunner.Greedy(new int[256], 1)));
        var fits = _backend.Schedule(SequenceRunner.Greedy(new int[255], 1));
        fits.Cancel();
    }

    [Fact]
    public async Task Schedule_HigherPriority_AdmittedFirst()
    {
        var prompt = _backend.Tokenize("Priority");
        var blocker = _backend.Schedule(SequenceRunner.Greedy(prompt, 20, ignoreEos: true));
        await blocker.Tokens.ReadAsync(TestContext.Current.CancellationToken); // the only slot is now taken
        var low = _backend.Schedule(SequenceRunner.Greedy(prompt, 2, ignoreEos: true));
        var high = _backend.Schedule(SequenceRunner.Greedy(prompt, 2, ignoreEos: true, priority: 5));

        var lowOutcome = await low.Completion;
        var highOutcome = await high.Completion;
        await blocker.Completion;

        Assert.True(highOutcome.QueueSeconds < lowOutcome.QueueSeconds);
        Assert.True(lowOutcome.QueueSeconds > highOutcome.QueueSeconds + highOutcome.PrefillSeconds);
    }
}

using System.Diagnostics;
using System.Text;
using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Backends.LlamaCpp;

namespace Suite.ModelWorker.Tests;

public sealed class LlamaCppBackendTests(SmokeModelFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Prompts =
    [
        "<|im_start|>user\nHello, how are you?<|im_end|>\n<|im_start|>assistant\n",
        "The quick brown fox",
        "Once upon a time, in a land far away,",
        "def fibonacci(n):",
        "1, 2, 3, 4,",
        "Les sanglots longs des violons de l'automne",
        "<|im_start|>system\nBe brief<|im_end|>\n<|im_start|>user\nWhy is the sky blue?<|im_end|>\n<|im_start|>assistant\n",
        "SELECT * FROM users WHERE",
    ];

    private LlamaCppBackend Backend => fixture.Backend;

    [Fact]
    public void Load_GeneratedModel_ReportsModelVocabularyAndInfo()
    {
        var vocabulary = Backend.Vocabulary;

        Assert.Equal("cpu", Backend.Info.Name);
        Assert.False(Backend.Info.Simulated);
        Assert.StartsWith("CPU (", Backend.Info.Device);
        Assert.Contains("libllama", Backend.Info.NativeLibrary);
        Assert.Equal(50259, vocabulary.Count);
        Assert.True(vocabulary.IsEndOfGeneration(50258)); // <|im_end|>
        Assert.True(vocabulary.IsEndOfGeneration(50256)); // <|endoftext|>
        Assert.False(vocabulary.IsEndOfGeneration(50257)); // <|im_start|>
        Assert.Equal(0, vocabulary.Piece(50257).Length);
        Assert.Equal(" the", Encoding.UTF8.GetString(vocabulary.Piece(262)));
        Assert.Equal(4096, Backend.ContextLength);
        Assert.True(Backend.Model.SmokeTestModel);
        Assert.Equal([50257, 7220, 198], Backend.Tokenize("<|im_start|>user\n"));
    }

    [Fact]
    public async Task Greedy_SamePromptTwice_IdenticalTokens()
    {
        var prompt = Backend.Tokenize(Prompts[1]);

        var first = await SequenceRunner.RunAsync(Backend, SequenceRunner.Greedy(prompt, 32, ignoreEos: true));
        var second = await SequenceRunner.RunAsync(Backend, SequenceRunner.Greedy(prompt, 32, ignoreEos: true));

        Assert.Equal(32, first.Tokens.Count);
        Assert.Equal(first.Tokens, second.Tokens);
        Assert.Equal(FinishReason.Length, first.Outcome.Reason);
    }

    [Fact]
    public async Task Greedy_AloneVersusBatchOfEight_IdenticalTokens()
    {
        var prompts = Prompts.Select(p => Backend.Tokenize(p)).ToArray();
        var alone = new List<List<int>>();
        foreach (var prompt in prompts.Take(4))
        {
            alone.Add((await SequenceRunner.RunAsync(Backend, SequenceRunner.Greedy(prompt, 64, ignoreEos: true))).Tokens);
        }

        var batched = await Task.WhenAll(prompts.Select(p =>
            SequenceRunner.RunAsync(Backend, SequenceRunner.Greedy(p, 64, ignoreEos: true))));

        for (var i = 0; i < alone.Count; i++)
        {
            Assert.Equal(64, alone[i].Count);
            Assert.Equal(alone[i], batched[i].Tokens);
        }

        // Not degenerate: prompts lead to different continuations, and each has more than one distinct token.
        Assert.True(batched.Select(b => string.Join(",", b.Tokens)).Distinct().Count() >= 6);
        Assert.All(batched, b => Assert.True(b.Tokens.Distinct().Count() > 4));
        output.WriteLine("Sample: " + Detokenize(batched[0].Tokens));
    }

    [Fact]
    public async Task Schedule_SixteenConcurrentPlusWaiting_AllFinish()
    {
        var prompts = Enumerable.Range(0, 20).Select(i => Backend.Tokenize($"Request number {i}:")).ToArray();

        var results = await Task.WhenAll(prompts.Select(p =>
            SequenceRunner.RunAsync(Backend, SequenceRunner.Greedy(p, 24, ignoreEos: true))));

        Assert.All(results, r =>
        {
            Assert.Equal(FinishReason.Length, r.Outcome.Reason);
            Assert.Equal(24, r.Tokens.Count);
            Assert.Equal(24, r.Outcome.GeneratedTokens);
            Assert.Equal(23, r.Outcome.InterTokenSeconds.Length);
            Assert.True(r.Outcome.FirstTokenSeconds > 0);
            Assert.True(r.Outcome.FirstTokenSeconds >= r.Outcome.QueueSeconds);
        });
        Assert.Contains(results, r => r.Outcome.QueueSeconds > 0.001); // four of them had to wait for a slot
        var capacity = Backend.GetCapacity();
        Assert.Equal(0, capacity.RunningSequences);
        Assert.Equal(0, capacity.WaitingSequences);
        Assert.Equal(0, capacity.KvUsedTokens);
    }

    [Fact]
    public async Task Cancel_RunningSequence_FreesSlotAndKvCells()
    {
        var sequence = Backend.Schedule(SequenceRunner.Greedy(Backend.Tokenize(Prompts[2]), 3000, ignoreEos: true));
        var seen = 0;
        await foreach (var _ in sequence.Tokens.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            if (++seen == 5)
            {
                Assert.Equal(1, Backend.GetCapacity().RunningSequences);
                Assert.True(Backend.GetCapacity().KvUsedTokens > 5);
                sequence.Cancel();
                sequence.Cancel(); // idempotent
            }
        }

        var outcome = await sequence.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(FinishReason.Cancelled, outcome.Reason);
        Assert.InRange(outcome.GeneratedTokens, 5, 2999); // the engine may run ahead of this reader before it sees the cancel
        var capacity = Backend.GetCapacity();
        Assert.Equal(0, capacity.RunningSequences);
        Assert.Equal(0, capacity.KvUsedTokens);
        Assert.Equal(0, Backend.CountKvCellsWhileIdle());
    }

    [Fact]
    public async Task Cancel_WaitingSequence_CompletesCancelled()
    {
        var prompt = Backend.Tokenize(Prompts[3]);
        var running = Enumerable.Range(0, 16)
            .Select(_ => Backend.Schedule(SequenceRunner.Greedy(prompt, 40, ignoreEos: true)))
            .ToList();
        var waiting = Backend.Schedule(SequenceRunner.Greedy(prompt, 40, ignoreEos: true));

        waiting.Cancel();
        var outcome = await waiting.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await Task.WhenAll(running.Select(s => s.Completion));

        Assert.Equal(FinishReason.Cancelled, outcome.Reason);
        Assert.Equal(0, outcome.GeneratedTokens);
    }

    [Fact]
    public void Schedule_PromptLongerThanContext_ThrowsArgumentException()
    {
        var prefix = new int[Backend.ContextLength];

        Assert.Throws<ArgumentException>(() => Backend.Schedule(SequenceRunner.Greedy(prefix, 1)));
        Assert.Throws<ArgumentException>(() => Backend.Schedule(SequenceRunner.Greedy([], 1)));
        Assert.Throws<ArgumentException>(() => Backend.Schedule(SequenceRunner.Greedy([1_000_000], 1)));
    }

    [Fact]
    public async Task Generate_SentenceEnd_StopsWithReasonStopWithoutYieldingEog()
    {
        // The smoke model ends its reply after a sentence-ending token such as ".".
        var prompt = Backend.Tokenize("Hello world.");

        var (tokens, outcome) = await SequenceRunner.RunAsync(Backend, SequenceRunner.Greedy(prompt, 16));

        Assert.Equal(FinishReason.Stop, outcome.Reason);
        Assert.Empty(tokens);
        Assert.Equal(0, outcome.GeneratedTokens);
        Assert.True(outcome.PrefillSeconds > 0);
    }

    [Fact]
    public async Task Generate_MaxNewTokens_StopsWithReasonLength()
    {
        var (tokens, outcome) = await SequenceRunner.RunAsync(
            Backend, SequenceRunner.Greedy(Backend.Tokenize(Prompts[4]), 5, ignoreEos: true));

        Assert.Equal(FinishReason.Length, outcome.Reason);
        Assert.Equal(5, tokens.Count);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public async Task Sample_SameSeed_SameTokens()
    {
        var prompt = Backend.Tokenize(Prompts[0]);
        var sampling = new SamplingParameters(Temperature: 1.5f, TopP: 0.95f, TopK: 40, Seed: 1234, FrequencyPenalty: 0.5f);

        var first = await SequenceRunner.RunAsync(Backend, new SequenceRequest(Guid.NewGuid(), prompt, sampling, 16, IgnoreEos: true));
        var second = await SequenceRunner.RunAsync(Backend, new SequenceRequest(Guid.NewGuid(), prompt, sampling, 16, IgnoreEos: true));

        Assert.Equal(16, first.Tokens.Count);
        Assert.Equal(first.Tokens, second.Tokens);
    }

    [Fact]
    public async Task Measure_DecodeThroughput_ReportsTokensPerSecond()
    {
        var prompt = Backend.Tokenize(Prompts[1]);
        var single = Stopwatch.StartNew();
        var one = await SequenceRunner.RunAsync(Backend, SequenceRunner.Greedy(prompt, 128, ignoreEos: true));
        single.Stop();
        var batch = Stopwatch.StartNew();
        var sixteen = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            SequenceRunner.RunAsync(Backend, SequenceRunner.Greedy(Backend.Tokenize($"Stream {i}"), 64, ignoreEos: true))));
        batch.Stop();

        var singleRate = (one.Tokens.Count - 1) / one.Outcome.DecodeSeconds;
        var aggregate = sixteen.Sum(s => s.Tokens.Count) / batch.Elapsed.TotalSeconds;
        var message = $"decode: 1 sequence {singleRate:F0} tok/s; 16 sequences {aggregate:F0} tok/s aggregate ({Backend.Info.Device})";
        output.WriteLine(message);
        TestContext.Current.SendDiagnosticMessage(message);
        Assert.True(singleRate > 0 && aggregate > 0);
    }

    private string Detokenize(IEnumerable<int> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            bytes.AddRange(Backend.Vocabulary.Piece(token).ToArray());
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}

using System.Diagnostics;
using Suite.Contracts;
using Suite.Gateway.Sessions;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Tests.Streaming;

public sealed class GenerationStreamTests
{
    [Fact]
    public void OnChunk_OutOfOrder_DeliversInIndexOrder()
    {
        var stream = new GenerationStream(Command());

        stream.OnChunk(Chunk(stream, 1, "b"), 1);
        stream.OnChunk(Chunk(stream, 0, "a"), 1);

        Assert.Equal(["a", "b"], Read(stream));
    }

    [Fact]
    public async Task OnChunk_AfterAGap_DoesNotCountAsProgress()
    {
        var stream = new GenerationStream(Command());
        stream.OnChunk(Chunk(stream, 0, "a"), 1);
        var quiet = await QuietAsync();

        // Chunk 1 was lost: later chunks arrive, but the stream cannot move on, so it must look stalled.
        stream.OnChunk(Chunk(stream, 2, "c"), 1);
        stream.OnChunk(Chunk(stream, 3, "d"), 1);

        // The quiet time is measured after the last real activity began, so an unreset clock shows at least that much.
        Assert.True(stream.SecondsSinceActivity >= quiet, $"activity was reset by undeliverable chunks ({stream.SecondsSinceActivity:0.000} s, quiet for {quiet:0.000} s)");
        Assert.Equal(["a"], Read(stream));
    }

    [Fact]
    public async Task OnPending_CurrentAttempt_NamesTheWorkerAndCountsAsActivity()
    {
        var stream = new GenerationStream(Command());
        var before = Stopwatch.StartNew();
        await Task.Delay(50, TestContext.Current.CancellationToken);

        stream.OnPending("cpu-a", 1);

        // Reset by the notice: less time since activity than has passed since the stream was made.
        Assert.Equal("cpu-a", stream.Worker);
        Assert.True(stream.SecondsSinceActivity < before.Elapsed.TotalSeconds, $"{stream.SecondsSinceActivity:0.000} s since activity, stream {before.Elapsed.TotalSeconds:0.000} s old");
    }

    [Fact]
    public async Task OnPending_EarlierAttempt_IsIgnored()
    {
        var stream = new GenerationStream(Command());
        stream.OnPending("cpu-a", 1);
        var next = stream.BeginNextAttempt(maxAttempts: 3, out var failedWorker, out var failedAttempt);
        var quiet = await QuietAsync();

        stream.OnPending("cpu-a", 1);

        Assert.NotNull(next);
        Assert.Equal(("cpu-a", 1), (failedWorker, failedAttempt));
        Assert.Equal(["cpu-a"], next.Continuation.ExcludedWorkers);
        Assert.Null(stream.Worker);
        Assert.True(stream.SecondsSinceActivity >= quiet, $"{stream.SecondsSinceActivity:0.000} s since activity, quiet for {quiet:0.000} s");
    }

    [Fact]
    public void BeginNextAttempt_ContinuesFromTheDeliveredTokensAndIgnoresTheOldAttempt()
    {
        var stream = new GenerationStream(Command());
        stream.OnChunk(Chunk(stream, 0, "ab", [1, 2]), 1);

        var next = stream.BeginNextAttempt(maxAttempts: 3, out _, out _)!;
        stream.OnChunk(new TokensGenerated(stream.RequestId, 1, [3], "c", "cpu-a", "cpu", 1), 1);
        stream.OnChunk(new TokensGenerated(stream.RequestId, 0, [3], "c", "cpu-b", "cpu", 2), 1);

        Assert.Equal([1, 2], next.Continuation.GeneratedTokens);
        Assert.Equal(2, next.Continuation.DeliveredTextLength);
        Assert.Equal(2, next.Continuation.Attempt);
        Assert.Equal(["ab", "c"], Read(stream));
    }

    [Fact]
    public void BeginNextAttempt_NoAttemptsLeft_ReturnsNull()
    {
        var stream = new GenerationStream(Command());

        Assert.NotNull(stream.BeginNextAttempt(maxAttempts: 2, out _, out _));
        Assert.Null(stream.BeginNextAttempt(maxAttempts: 2, out _, out var attempt));
        Assert.Equal(2, attempt);
    }

    [Fact]
    public async Task OnFailed_TheRouterRefusesAResumedStreamForNow_KeepsItOpenAndResumesItAfterRetryAfter()
    {
        var stream = new GenerationStream(Command());
        stream.OnChunk(Chunk(stream, 0, "a"), 1);
        stream.BeginNextAttempt(maxAttempts: 3, out _, out _);

        stream.OnFailed(new GenerationFailed(stream.RequestId, PipelineErrors.NoWorker("m", 1), null));

        Assert.False(stream.IsFinished);
        Assert.False(stream.ResumeDue);
        Assert.Contains("no_worker", stream.RefusedReason, StringComparison.Ordinal);
        var deadline = Stopwatch.StartNew();
        while (!stream.ResumeDue && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(stream.ResumeDue);
        Assert.True(deadline.Elapsed >= TimeSpan.FromSeconds(0.9), $"due after {deadline.Elapsed.TotalSeconds:0.00} s, before its Retry-After of 1 s");

        // The refused try does not count: with 3 attempts allowed, attempts 3 and 4 (one refused) may still begin.
        Assert.Equal(3, stream.BeginNextAttempt(maxAttempts: 3, out _, out _)!.Continuation.Attempt);
        Assert.False(stream.ResumeDue);
        Assert.Null(stream.RefusedReason);
        Assert.Equal(4, stream.BeginNextAttempt(maxAttempts: 3, out _, out _)!.Continuation.Attempt);
        Assert.Null(stream.BeginNextAttempt(maxAttempts: 3, out _, out _));
    }

    [Fact]
    public void OnFailed_ARefusalBeforeAnyToken_EndsTheStream()
    {
        var stream = new GenerationStream(Command());
        stream.BeginNextAttempt(maxAttempts: 3, out _, out _);

        stream.OnFailed(new GenerationFailed(stream.RequestId, PipelineErrors.NoWorker("m", 1), null));

        Assert.True(stream.IsFinished);
        Assert.True(stream.Events.TryRead(out var only));
        Assert.IsType<GenerationFailed>(only);
    }

    [Fact]
    public async Task OnFailed_ARefusalLongAfterTheLastToken_EndsTheStream()
    {
        var stream = new GenerationStream(Command(), resumeWithinSeconds: 0.05);
        stream.OnChunk(Chunk(stream, 0, "a"), 1);
        stream.BeginNextAttempt(maxAttempts: 3, out _, out _);
        await Task.Delay(100, TestContext.Current.CancellationToken);

        stream.OnFailed(new GenerationFailed(stream.RequestId, PipelineErrors.NoWorker("m", 1), null));

        Assert.True(stream.IsFinished);
    }

    private static PrepareGeneration Command() => new(
        Guid.NewGuid(),
        "m",
        new GenerationInput("hi", null),
        SamplingParameters.Greedy,
        new GenerationLimits(10, []),
        new Uri("loopback://localhost/gateway"),
        0,
        DateTimeOffset.UtcNow,
        Continuation.First);

    private static TokensGenerated Chunk(GenerationStream stream, int index, string text, int[]? tokens = null)
        => new(stream.RequestId, index, tokens ?? [index], text, "cpu-a", "cpu", 1);

    private static List<string> Read(GenerationStream stream)
    {
        var texts = new List<string>();
        while (stream.Events.TryRead(out var e))
        {
            texts.Add(((TokensGenerated)e).Text);
        }

        return texts;
    }

    /// <summary>Waits a little and returns how long it waited by the same clock the stream uses (a timer may fire early).</summary>
    private static async Task<double> QuietAsync()
    {
        var watch = Stopwatch.StartNew();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        return watch.Elapsed.TotalSeconds;
    }
}

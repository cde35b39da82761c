using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.ModelWorker.Backends.Sim;
using Suite.ModelWorker.Hosting;
using Suite.ModelWorker.Tests.Sim;

namespace Suite.ModelWorker.Tests.Hosting;

/// <summary>A worker holds each request at most once, drops what was cancelled, and announces quiet sequences.</summary>
public sealed class WorkerRuntimeTests(SmokeModelFixture fixture)
{
    private static readonly Uri Gateway = new("loopback://localhost/gateway-replies");

    [Fact]
    public async Task StartAsync_NewerAttemptOfAHeldRequest_CancelsTheOlderOne()
    {
        await using var backend = SimBackends.Create(fixture, configure: o => o with { MaxSequences = 1 });
        var (runtime, sender) = Create(backend);
        var id = Guid.NewGuid();

        await runtime.StartAsync(Command(id, attempt: 1, maxTokens: 100_000), CancellationToken.None);
        await runtime.StartAsync(Command(id, attempt: 2, maxTokens: 4), CancellationToken.None);

        var completed = await WaitForAsync(() => sender.OfType<GenerationCompleted>().Where(c => c.Attempt == 2).ToList(), c => c.Count == 1);
        Assert.Equal(FinishReason.Length, completed[0].FinishReason);
        await WaitForAsync(() => sender.OfType<GenerationCompleted>().Count(c => c.Attempt == 1), n => n == 1);
        Assert.Equal(FinishReason.Cancelled, sender.OfType<GenerationCompleted>().Single(c => c.Attempt == 1).FinishReason);
        await WaitForAsync(() => Held(backend), n => n == 0);
    }

    [Fact]
    public async Task StartAsync_AttemptNotNewerThanTheHeldOne_IsDropped()
    {
        await using var backend = SimBackends.Create(fixture);
        var (runtime, sender) = Create(backend);
        var id = Guid.NewGuid();

        await runtime.StartAsync(Command(id, attempt: 2, maxTokens: 100_000), CancellationToken.None);
        await runtime.StartAsync(Command(id, attempt: 2, maxTokens: 100_000), CancellationToken.None);
        await runtime.StartAsync(Command(id, attempt: 1, maxTokens: 100_000), CancellationToken.None);

        Assert.Equal(1, Held(backend));
        Assert.Equal(1, runtime.ActiveStreams);
        Assert.True(runtime.Cancel(id));
        await WaitForAsync(() => runtime.ActiveStreams, n => n == 0);
    }

    [Fact]
    public async Task Cancel_BeforeItsCommandArrives_DropsTheCommandButNotANewerAttempt()
    {
        await using var backend = SimBackends.Create(fixture);
        var (runtime, sender) = Create(backend);
        var id = Guid.NewGuid();

        Assert.False(runtime.Cancel(id, upToAttempt: 1));
        await runtime.StartAsync(Command(id, attempt: 1, maxTokens: 100_000), CancellationToken.None);
        Assert.Equal(0, runtime.ActiveStreams);
        Assert.Equal(0, Held(backend));

        await runtime.StartAsync(Command(id, attempt: 2, maxTokens: 3), CancellationToken.None);
        var completed = await WaitForAsync(() => sender.OfType<GenerationCompleted>().ToList(), c => c.Count == 1);
        Assert.Equal(2, completed[0].Attempt);
    }

    [Fact]
    public async Task AnnouncePendingAsync_SequenceWaitingForASlot_IsAnnouncedToItsGateway()
    {
        await using var backend = SimBackends.Create(fixture, configure: o => o with { MaxSequences = 1 });
        var (runtime, sender) = Create(backend);
        using var stop = new CancellationTokenSource();
        var notices = runtime.AnnouncePendingAsync(TimeSpan.FromMilliseconds(100), stop.Token);
        var running = Guid.NewGuid();
        var waiting = Guid.NewGuid();

        await runtime.StartAsync(Command(running, attempt: 1, maxTokens: 100_000), CancellationToken.None);
        await runtime.StartAsync(Command(waiting, attempt: 3, maxTokens: 10), CancellationToken.None);

        var pending = await WaitForAsync(
            () => sender.Sent.Where(s => s.Message is GenerationsPending).ToList(),
            list => list.Any(s => ((GenerationsPending)s.Message).Generations.Any(g => g.RequestId == waiting)));
        var notice = pending.First(s => ((GenerationsPending)s.Message).Generations.Any(g => g.RequestId == waiting));
        Assert.Equal(Gateway, notice.Address);
        Assert.Equal("worker-test", ((GenerationsPending)notice.Message).WorkerId);
        Assert.Equal(3, ((GenerationsPending)notice.Message).Generations.Single(g => g.RequestId == waiting).Attempt);

        runtime.Cancel(running);
        runtime.Cancel(waiting);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => notices);
    }

    // Sequences the backend holds, from one reading: two readings could see a sequence that moved from waiting to
    // running in between in neither.
    private static int Held(SimulatedBackend backend)
    {
        var capacity = backend.GetCapacity();
        return capacity.RunningSequences + capacity.WaitingSequences;
    }

    private static (WorkerRuntime Runtime, RecordingSender Sender) Create(SimulatedBackend backend)
    {
        var sender = new RecordingSender();
        var runtime = new WorkerRuntime(new WorkerIdentity("worker-test", "sim", "sim"), sender, Options.Create(new ModelWorkerOptions { MinChunkIntervalMilliseconds = 0 }), NullLogger<WorkerRuntime>.Instance);
        runtime.Attach(backend);
        return (runtime, sender);
    }

    [Theory]
    [InlineData(true, "response_format")]
    [InlineData(false, "logit_bias")]
    public async Task StartAsync_ConstrainedRequestOnTheSimulator_Is400NamingTheSimulatedBackend(bool grammar, string param)
    {
        await using var backend = SimBackends.Create(fixture);
        var (runtime, sender) = Create(backend);
        var sampling = grammar
            ? SamplingParameters.Greedy with { Grammar = new GrammarConstraint("root ::= \"{}\"") }
            : SamplingParameters.Greedy with { LogitBias = [new TokenBias(5, -100)] };

        await runtime.StartAsync(Command(Guid.NewGuid(), attempt: 1, maxTokens: 4, sampling), CancellationToken.None);

        var failure = Assert.Single(sender.OfType<GenerationFailed>());
        Assert.Equal((400, param, "constrained_decoding_unsupported"), (failure.Error.StatusCode, failure.Error.Param, failure.Error.Code));
        Assert.Contains("'sim' is simulated", failure.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, runtime.ActiveStreams);
        Assert.False(backend.Info.ConstrainedDecoding);
        Assert.False(HeartbeatFactory.Create(runtime.Identity, backend, runtime.Latency, null).ConstrainedDecoding);
        Assert.Throws<Suite.ModelWorker.Backends.ConstraintRejectedException>(() => backend.Schedule(new(Guid.NewGuid(), [1, 2], sampling, 4)));
    }

    private GenerateTokens Command(Guid id, int attempt, int maxTokens, SamplingParameters? sampling = null) => new(
        id,
        fixture.Model.Description.Id,
        SimBackends.Prompt(16),
        sampling ?? SamplingParameters.Greedy,
        new GenerationLimits(maxTokens, [], IgnoreEos: true),
        Gateway,
        0,
        DateTimeOffset.UtcNow,
        DateTimeOffset.UtcNow,
        attempt == 1 ? Continuation.First : new Continuation([], 0, attempt, []));

    private static async Task<T> WaitForAsync<T>(Func<T> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var value = read();
        while (!done(value))
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not reached within 30 s; last value: {value}");
            await Task.Delay(20);
            value = read();
        }

        return value;
    }
}

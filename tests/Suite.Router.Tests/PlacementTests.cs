using Microsoft.Extensions.Logging.Abstractions;
using Suite.Contracts;
using Suite.Router.Handlers;
using Suite.Router.Index;
using Suite.Router.Policy;
using Suite.Router.Registry;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.Router.Tests;

/// <summary>A request's placement (the pools and backends its tenant may use) bounds every routing decision.</summary>
public sealed class PlacementTests
{
    private static readonly Placement CannOnly = new([], ["cann"]);

    [Fact]
    public void Decide_PlacementByBackend_NeverChoosesAWorkerOutsideItEvenWhenItIsBetter()
    {
        var (decider, _) = Fleet(
            Worker("fast-cuda", "cuda", "cuda-a", prefill: 50_000),
            Worker("slow-cann", "cann", "cann-a", prefill: 2_000, running: 12));

        for (var i = 0; i < 20; i++)
        {
            var (worker, decision, candidates) = decider.Decide(Workers.Model, Workers.Prompt(300, i), 0, 16, [], CannOnly);

            Assert.Equal("slow-cann", worker!.Heartbeat.WorkerId);
            Assert.Equal("slow-cann", decision!.WorkerId);
            Assert.Equal(1, candidates);
        }
    }

    [Fact]
    public void Decide_PlacementByPool_KeepsOnlyThatPoolsWorkers()
    {
        var (decider, _) = Fleet(Worker("a-1", "cann", "cann-east"), Worker("b-1", "cann", "cann-west"), Worker("b-2", "cann", "cann-west"));

        var chosen = Enumerable.Range(0, 12)
            .Select(i => decider.Decide(Workers.Model, Workers.Prompt(64, i), 0, 16, [], new Placement(["cann-west"], [])).Worker!.Heartbeat.WorkerId)
            .ToHashSet();

        Assert.Subset(new HashSet<string> { "b-1", "b-2" }, chosen);
    }

    [Fact]
    public void Decide_FailoverExcludingTheDeadWorker_StaysInsideThePlacement()
    {
        var (decider, _) = Fleet(Worker("cann-1", "cann", "cann-a"), Worker("cann-2", "cann", "cann-a"), Worker("cuda-1", "cuda", "cuda-a", prefill: 90_000));

        var (worker, _, _) = decider.Decide(Workers.Model, Workers.Prompt(128), 0, 16, ["cann-1"], CannOnly);
        var (none, _, candidates) = decider.Decide(Workers.Model, Workers.Prompt(128), 0, 16, ["cann-1", "cann-2"], CannOnly);

        Assert.Equal("cann-2", worker!.Heartbeat.WorkerId);
        Assert.Null(none);
        Assert.Equal(0, candidates);
    }

    [Fact]
    public void Allows_EmptyListsAllowAnything_ListsMustBothMatch()
    {
        Assert.True(new Placement([], []).Allows("any", "cuda"));
        Assert.True(new Placement(["p"], ["cann"]).Allows("p", "cann"));
        Assert.False(new Placement(["p"], ["cann"]).Allows("p", "cuda"));
        Assert.False(new Placement(["p"], ["cann"]).Allows("q", "cann"));
        Assert.Equal("pools p, q; backends cann", new Placement(["p", "q"], ["cann"]).Describe());
    }

    [Fact]
    public async Task HandleAsync_NoLiveWorkerInThePlacement_Answers503NamingTheConstraint()
    {
        var (decider, registry) = Fleet(Worker("cuda-1", "cuda", "cuda-a"));
        var sender = new CapturingSender();
        var handler = new RouteGenerationHandler(registry, decider, Workers.Options(o => o.WarmUpSeconds = 0), sender, NullLogger<RouteGenerationHandler>.Instance);
        var reply = new Uri("pipeline:gateway-test");

        await handler.HandleAsync(Request(reply, CannOnly), TestContext.Current.CancellationToken);
        await handler.HandleAsync(Request(reply, null), TestContext.Current.CancellationToken);

        var failed = Assert.IsType<GenerationFailed>(sender.Sent[0].Message);
        Assert.Equal(reply, sender.Sent[0].Address);
        Assert.Equal(503, failed.Error.StatusCode);
        Assert.Equal("placement_unavailable", failed.Error.Code);
        Assert.Contains("backends cann", failed.Error.Message, StringComparison.Ordinal);
        Assert.IsType<GenerateTokens>(sender.Sent[1].Message);
    }

    private static RouteGeneration Request(Uri reply, Placement? placement) => new(
        Guid.NewGuid(), Workers.Model, Workers.Prompt(32), SamplingParameters.Greedy, new GenerationLimits(8, []), reply, 0, DateTimeOffset.UtcNow, Continuation.First, placement);

    private static WorkerHeartbeat Worker(string id, string backend, string pool, double prefill = 10_000, int running = 0)
        => Workers.Heartbeat(id, running: running, prefillTokensPerSecond: prefill, backend: backend) with { Pool = pool };

    private static (RouteDecider Decider, WorkerRegistry Registry) Fleet(params WorkerHeartbeat[] heartbeats)
    {
        var options = Workers.Options(o => o.WarmUpSeconds = 0);
        var registry = new WorkerRegistry(options);
        foreach (var heartbeat in heartbeats)
        {
            registry.Observe(heartbeat);
        }

        return (new RouteDecider(registry, new PrefixIndex(), RoutingPolicies.Create(options)), registry);
    }

    private sealed class CapturingSender : IPipelineSender
    {
        public List<(Uri Address, object Message)> Sent { get; } = [];

        public Task SendAsync<T>(Uri address, T message, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
            where T : class
        {
            Sent.Add((address, message));
            return Task.CompletedTask;
        }
    }
}

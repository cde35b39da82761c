using Microsoft.Extensions.Logging.Abstractions;
using Suite.Contracts;
using Suite.Router.Handlers;
using Suite.Router.Index;
using Suite.Router.Policy;
using Suite.Router.Registry;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.Router.Tests;

/// <summary>A request with a grammar or logit biases goes only to workers that can constrain sampling.</summary>
public sealed class ConstrainedRoutingTests
{
    private static readonly SamplingParameters Structured = SamplingParameters.Greedy with { Grammar = new GrammarConstraint("root ::= \"{}\"") };

    [Fact]
    public void Decide_ConstrainedRequest_NeverChoosesASimulatedWorkerEvenWhenItIsBetter()
    {
        var (decider, _) = Fleet(Sim("sim-fast", prefill: 90_000), Real("cpu-slow", prefill: 1_000, running: 8));

        for (var i = 0; i < 10; i++)
        {
            var (worker, _, candidates) = decider.Decide(Workers.Model, Workers.Prompt(200, i), 0, 16, [], constrained: true);

            Assert.Equal(("cpu-slow", 1), (worker!.Heartbeat.WorkerId, candidates));
        }

        Assert.Equal("sim-fast", decider.Decide(Workers.Model, Workers.Prompt(200), 0, 16, []).Worker!.Heartbeat.WorkerId);
    }

    [Theory]
    [InlineData(true, "response_format")]
    [InlineData(false, "logit_bias")]
    public async Task HandleAsync_OnlySimulatedWorkers_Answers400NamingTheSimulatedBackend(bool grammar, string param)
    {
        var (decider, registry) = Fleet(Sim("sim-1"), Sim("sim-2"));
        var sender = new CapturingSender();
        var handler = new RouteGenerationHandler(registry, decider, Workers.Options(o => o.WarmUpSeconds = 0), sender, NullLogger<RouteGenerationHandler>.Instance);
        var sampling = grammar ? Structured : SamplingParameters.Greedy with { LogitBias = [new TokenBias(3, 5)] };

        await handler.HandleAsync(Request(sampling), TestContext.Current.CancellationToken);
        await handler.HandleAsync(Request(SamplingParameters.Greedy), TestContext.Current.CancellationToken);

        var failed = Assert.IsType<GenerationFailed>(sender.Sent[0]);
        Assert.Equal((400, param, "constrained_decoding_unsupported"), (failed.Error.StatusCode, failed.Error.Param, failed.Error.Code));
        Assert.Contains("sim backend, which is simulated", failed.Error.Message, StringComparison.Ordinal);
        Assert.IsType<GenerateTokens>(sender.Sent[1]);
    }

    [Fact]
    public async Task HandleAsync_CapableWorkersAllBusy_IsStillCapacityNotRefusal()
    {
        var (decider, registry) = Fleet(Sim("sim-1"), Real("cpu-1"));
        var sender = new CapturingSender();
        var handler = new RouteGenerationHandler(registry, decider, Workers.Options(o => o.WarmUpSeconds = 0), sender, NullLogger<RouteGenerationHandler>.Instance);

        await handler.HandleAsync(Request(Structured), TestContext.Current.CancellationToken);

        Assert.Equal("cpu-1", Assert.IsType<GenerateTokens>(sender.Sent[0]).Route!.WorkerId);
    }

    private static RouteGeneration Request(SamplingParameters sampling) => new(
        Guid.NewGuid(), Workers.Model, Workers.Prompt(32), sampling, new GenerationLimits(8, []), new Uri("pipeline:gateway-test"), 0, DateTimeOffset.UtcNow, Continuation.First);

    private static WorkerHeartbeat Sim(string id, double prefill = 10_000)
        => Workers.Heartbeat(id, prefillTokensPerSecond: prefill, backend: "sim") with { Pool = "sim-a", Simulated = true };

    private static WorkerHeartbeat Real(string id, double prefill = 10_000, int running = 0)
        => Workers.Heartbeat(id, running: running, prefillTokensPerSecond: prefill, backend: "cpu") with { Pool = "cpu-a", ConstrainedDecoding = true };

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
        public List<object> Sent { get; } = [];

        public Task SendAsync<T>(Uri address, T message, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
            where T : class
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }
}

using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Contracts.KvCache;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Backends.Sim;
using Suite.ModelWorker.Hosting;
using Suite.Router;
using Suite.Router.Index;
using Suite.Router.Policy;
using Suite.Router.Registry;

namespace Suite.Bench.Prefix;

/// <summary>
/// A simulated heterogeneous fleet and the router's real decision code in one process, in virtual time: each worker is
/// a <see cref="SimulatedBackend"/> (the real scheduler and prefix cache) with its own identity, stepped on a manual
/// clock; every <c>pumpInterval</c> simulated seconds its heartbeat (<see cref="HeartbeatFactory"/>, as the worker
/// builds it) reaches the router's registry and its KV event batch the router's prefix index, as the bus would deliver
/// them; requests are routed by <see cref="RouteDecider"/>, exactly as the router's consumer does. Nothing depends on
/// the wall clock, so a run is exact and repeatable however busy the machine is.
/// </summary>
internal sealed class SimFleet : IAsyncDisposable
{
    private readonly List<Member> _members = [];
    private readonly Dictionary<string, Member> _byId = new(StringComparer.Ordinal);
    private readonly WorkerRegistry _registry;
    private readonly PrefixIndex _index = new();
    private readonly string _model;
    private readonly double _pumpInterval;
    private double _now;
    private double _nextPump;

    public SimFleet(IReadOnlyList<(string Id, SimulatedHardwareProfile Profile)> workers, SimulatedVocabulary vocabulary, ModelDescription model, IRoutingPolicy policy, int maxSequences, double pumpIntervalSeconds)
    {
        _pumpInterval = pumpIntervalSeconds;
        _nextPump = pumpIntervalSeconds;
        _model = model.Id;
        _registry = new WorkerRegistry(Options.Create(new RouterOptions { WorkerTimeoutSeconds = 600 }));
        _registry.WorkerRemoved += _index.RemoveWorker;
        Decider = new RouteDecider(_registry, _index, policy);
        foreach (var (id, profile) in workers)
        {
            var backend = new SimulatedBackend(new SimulatedBackendOptions
            {
                Profile = profile,
                Vocabulary = vocabulary,
                Model = model,
                MaxSequences = maxSequences,
                MaxWaiting = 100_000,
                ContextLength = 8192,
                ManualClock = () => _now,
            });
            var member = new Member(new WorkerIdentity(id, profile.Name, "sim"), backend, new LatencyAverages());
            _members.Add(member);
            _byId[id] = member;
            var (entry, _) = _registry.Observe(Heartbeat(member));
            _index.Apply(entry.Slot, new KvCacheSnapshot(id, model.Id, backend.KvEvents.BlockTokens, 0, [], DateTimeOffset.UtcNow));
        }

    }

    /// <summary>Simulated seconds since the fleet started.</summary>
    public double Now => _now;

    public RouteDecider Decider { get; }

    public IReadOnlyList<SimulatedBackend> Backends => _members.Select(m => m.Backend).ToList();

    /// <summary>Routes a request and schedules it on the chosen worker; null when no worker can take it.</summary>
    public (ISequence Sequence, SimulatedBackend Backend, RouteDecision Decision)? Submit(int[] prompt, int outputTokens)
    {
        var (worker, decision, _) = Decider.Decide(_model, prompt, 0, outputTokens, []);
        if (worker is null || decision is null)
        {
            return null;
        }

        var member = _byId[worker.Heartbeat.WorkerId];
        var sequence = member.Backend.Schedule(new SequenceRequest(Guid.NewGuid(), prompt, SamplingParameters.Greedy, outputTokens, IgnoreEos: true));
        _ = ObserveAsync(member, sequence);
        return (sequence, member.Backend, decision);
    }

    /// <summary>Runs every worker to <paramref name="time"/>, delivering heartbeats and KV events at each interval on the way.</summary>
    public void AdvanceTo(double time)
    {
        while (_nextPump <= time)
        {
            RunAll(_nextPump);
            Pump();
            _nextPump += _pumpInterval;
        }

        RunAll(time);
    }

    public async ValueTask DisposeAsync() => await Task.WhenAll(_members.Select(m => m.Backend.DisposeAsync().AsTask()));

    private void RunAll(double time)
    {
        _now = Math.Max(_now, time);
        foreach (var member in _members)
        {
            member.Backend.RunUntil(time);
        }
    }

    private static async Task ObserveAsync(Member member, ISequence sequence)
    {
        var outcome = await sequence.Completion.ConfigureAwait(false);
        member.Latency.Observe(outcome.FirstTokenSeconds, outcome.InterTokenSeconds);
    }

    private static WorkerHeartbeat Heartbeat(Member member) => HeartbeatFactory.Create(member.Identity, member.Backend, member.Latency, pricePerHour: null);

    private void Pump()
    {
        foreach (var member in _members)
        {
            var events = member.Backend.KvEvents;
            if (events.Drain() is { } batch)
            {
                _index.Apply(_registry.SlotOf(member.Identity.WorkerId), new KvBlocksChanged(member.Identity.WorkerId, _model, events.BlockTokens, batch.Sequence, batch.Stored, batch.Evicted, DateTimeOffset.UtcNow));
            }

            _registry.Observe(Heartbeat(member));
        }
    }

    private sealed record Member(WorkerIdentity Identity, SimulatedBackend Backend, LatencyAverages Latency);
}

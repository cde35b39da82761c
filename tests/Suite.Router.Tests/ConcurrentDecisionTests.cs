using Suite.Router.Index;
using Suite.Router.Policy;
using Suite.Router.Registry;

namespace Suite.Router.Tests;

/// <summary>
/// The router decides on several threads at once; a burst decided concurrently still fills every free slot once
/// before any worker gets a queue.
/// </summary>
public sealed class ConcurrentDecisionTests
{
    [Fact]
    public async Task Decide_ABurstOnManyThreads_NeverSendsAWorkerMoreThanItsSlotsWhileAnotherHasRoom()
    {
        const int workers = 48;
        const int slots = 2;
        for (var round = 0; round < 20; round++)
        {
            var options = Workers.Options(o => o.WarmUpSeconds = 0);
            var registry = new WorkerRegistry(options);
            for (var i = 0; i < workers; i++)
            {
                registry.Observe(Workers.Heartbeat($"w-{i}", maxSequences: slots));
            }

            var decider = new RouteDecider(registry, new PrefixIndex(), RoutingPolicies.Create(options));
            using var start = new Barrier(Environment.ProcessorCount + 4);
            var threads = Enumerable.Range(0, Environment.ProcessorCount + 4).Select(t => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait(TestContext.Current.CancellationToken);
                    var chosen = new List<string>();
                    for (var k = t; k < workers * slots; k += Environment.ProcessorCount + 4)
                    {
                        chosen.Add(decider.Decide(Workers.Model, Workers.Prompt(24, k), 0, 16, []).Worker!.Heartbeat.WorkerId);
                    }

                    return chosen;
                },
                TestContext.Current.CancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)).ToArray();

            var perWorker = (await Task.WhenAll(threads)).SelectMany(c => c).CountBy(id => id).ToDictionary();

            // Exactly as many requests as slots: every worker got exactly its two.
            Assert.Equal(workers, perWorker.Count);
            Assert.All(perWorker, p => Assert.Equal(slots, p.Value));
            Assert.All(registry.LiveWorkers(Workers.Model), w => Assert.Equal(slots, w.Load));
        }
    }
}

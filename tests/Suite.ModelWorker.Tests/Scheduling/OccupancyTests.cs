namespace Suite.ModelWorker.Tests.Scheduling;

/// <summary>
/// A heartbeat reads the scheduler's occupancy on another thread while the step loop admits sequences: a sequence
/// taken in is counted (waiting or running) by every read made after it was scheduled, never by neither.
/// </summary>
public sealed class OccupancyTests
{
    [Fact]
    public async Task Occupancy_ReadDuringAdmissions_NeverMissesASequenceMovingFromWaitingToRunning()
    {
        const int sequences = 1500;
        var harness = new SchedulerHarness(o => o with { MaxSequences = sequences, MaxWaiting = sequences, ContextLength = 16, KvCapacityTokens = sequences * 16L, BatchSize = sequences });
        var scheduled = 0;
        var done = false;
        var reader = Task.Factory.StartNew(
            () =>
            {
                var reads = 0;
                while (!Volatile.Read(ref done))
                {
                    var atLeast = Volatile.Read(ref scheduled);
                    var (running, waiting) = harness.Scheduler.Occupancy;
                    Assert.True(running + waiting >= atLeast, $"read {running} running + {waiting} waiting after {atLeast} were scheduled");
                    reads++;
                }

                return reads;
            },
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        for (var i = 0; i < sequences; i++)
        {
            harness.Add(SchedulerHarness.Prompt(2, i), maxNew: 1);
            Volatile.Write(ref scheduled, i + 1);
            harness.Scheduler.Admit(harness.Now, harness.Now);
        }

        Volatile.Write(ref done, true);
        Assert.True(await reader > 0);
        Assert.Equal((sequences, 0), harness.Scheduler.Occupancy);
    }
}

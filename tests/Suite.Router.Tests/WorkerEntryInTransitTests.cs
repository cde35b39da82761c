using System.Diagnostics;
using Suite.Router.Registry;

namespace Suite.Router.Tests;

/// <summary>Requests sent to a worker that its last heartbeat does not count yet: kept until the worker says it took them in.</summary>
public sealed class WorkerEntryInTransitTests
{
    [Fact]
    public void Update_AHeartbeatInTheMiddleOfABurst_KeepsTheRequestsStillOnTheirWay()
    {
        var entry = new WorkerEntry(Workers.Heartbeat("a") with { ReceivedRequests = 5 }, Stopwatch.GetTimestamp());
        entry.Assigned(100);
        entry.Assigned(200);
        entry.Assigned(300);

        // Taken before the worker saw the last two: one of three is counted (running 1).
        entry.Update(Workers.Heartbeat("a", running: 1) with { ReceivedRequests = 6 }, Stopwatch.GetTimestamp());

        Assert.Equal(2, entry.AssignedSinceHeartbeat);
        Assert.Equal(500, entry.AssignedPrefillTokens);
        Assert.Equal(3, entry.Load);

        entry.Update(Workers.Heartbeat("a", running: 3) with { ReceivedRequests = 8 }, Stopwatch.GetTimestamp());

        Assert.Equal(0, entry.AssignedSinceHeartbeat);
        Assert.Equal(0, entry.AssignedPrefillTokens);
    }

    [Fact]
    public void Update_AWorkerThatDoesNotCount_ForgetsEverySentRequest()
    {
        var entry = new WorkerEntry(Workers.Heartbeat("a"), Stopwatch.GetTimestamp());
        entry.Assigned(100);
        entry.Assigned(100);

        entry.Update(Workers.Heartbeat("a", running: 1), Stopwatch.GetTimestamp());

        Assert.Equal(0, entry.AssignedSinceHeartbeat);
    }

    [Fact]
    public void Update_TheWorkerRestarted_CountsWhatWasSentAsTakenIn()
    {
        var entry = new WorkerEntry(Workers.Heartbeat("a") with { ReceivedRequests = 40 }, Stopwatch.GetTimestamp());
        entry.Assigned(10);
        entry.Update(Workers.Heartbeat("a") with { ReceivedRequests = 41 }, Stopwatch.GetTimestamp());
        entry.Assigned(10);

        entry.Update(Workers.Heartbeat("a") with { ReceivedRequests = 0 }, Stopwatch.GetTimestamp());
        entry.Assigned(10);
        entry.Update(Workers.Heartbeat("a") with { ReceivedRequests = 0 }, Stopwatch.GetTimestamp());

        Assert.Equal(1, entry.AssignedSinceHeartbeat);
    }

    [Fact]
    public void Update_ARequestNeverTakenIn_IsForgottenAfterTenSeconds()
    {
        var entry = new WorkerEntry(Workers.Heartbeat("a") with { ReceivedRequests = 0 }, Stopwatch.GetTimestamp());
        entry.Assigned(10);

        entry.Update(Workers.Heartbeat("a") with { ReceivedRequests = 0 }, Stopwatch.GetTimestamp() + (11 * Stopwatch.Frequency));

        Assert.Equal(0, entry.AssignedSinceHeartbeat);
    }
}

using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.Gateway.Jobs;

namespace Suite.Gateway.Tests.Jobs;

public sealed class JobRegistryTests
{
    [Fact]
    public void TryBegin_NewJob_RunsIt()
    {
        var registry = new JobRegistry();

        Assert.True(registry.TryBegin(Guid.NewGuid(), out var existing));
        Assert.False(existing.IsCompleted);
    }

    [Fact]
    public async Task TryBegin_WhileRunning_JoinsTheRunAndGetsItsResult()
    {
        var registry = new JobRegistry();
        var id = Guid.NewGuid();
        registry.TryBegin(id, out _);

        Assert.False(registry.TryBegin(id, out var joined));
        registry.End(id, new JobOutcome(JobResult.Of(Completed(id)), Delivered: true));

        var outcome = await joined;
        Assert.Equal(id, outcome.Result!.Completed!.JobId);
        Assert.True(outcome.Delivered);
    }

    [Fact]
    public async Task End_Completed_IsRememberedSoAResubmissionIsAnsweredWithoutRunning()
    {
        var registry = new JobRegistry();
        var id = Guid.NewGuid();
        registry.TryBegin(id, out _);
        registry.End(id, new JobOutcome(JobResult.Of(Completed(id)), Delivered: true));

        Assert.False(registry.TryBegin(id, out var existing));
        Assert.True(existing.IsCompletedSuccessfully);
        Assert.NotNull((await existing).Result!.Completed);
    }

    [Fact]
    public async Task End_Failed_TellsWaitersAndIsForgottenSoAResubmissionRunsAgain()
    {
        var registry = new JobRegistry();
        var id = Guid.NewGuid();
        registry.TryBegin(id, out _);
        registry.TryBegin(id, out var joined);
        registry.End(id, new JobOutcome(JobResult.Of(new GenerationJobFailed(id, 503, "service_unavailable", "no worker", "x")), Delivered: true));

        Assert.Equal(503, (await joined).Result!.Failed!.StatusCode);
        Assert.True(registry.TryBegin(id, out _));
    }

    [Fact]
    public async Task End_Abandoned_LetsAWaitingDeliveryTakeTheJobOver()
    {
        var registry = new JobRegistry();
        var id = Guid.NewGuid();
        registry.TryBegin(id, out _);
        registry.TryBegin(id, out var joined);
        registry.End(id, JobOutcome.Abandoned);

        Assert.Null((await joined).Result);
        Assert.True(registry.TryBegin(id, out _));
    }

    private static GenerationJobCompleted Completed(Guid id)
        => new(id, "text", FinishReason.Length, 3, 4, "cpu-a", "cpu", 1, DateTimeOffset.UtcNow);
}

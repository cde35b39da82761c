using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.Gateway.Jobs;

namespace Suite.Gateway.Tests.Jobs;

/// <summary>
/// What every job store must do, run against each (in process here; PostgreSQL in the distributed tests): a job is
/// claimed once, its other deliveries wait for that run's result, a finished job is answered again, and a failed or
/// given-up one may run again. Two gateways are two stores over the same state (the same object in process).
/// </summary>
public abstract class JobStoreContract
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Two gateways' views of one fresh job state.</summary>
    protected abstract (IJobStore First, IJobStore Second) CreateStores();

    [Fact]
    public async Task ClaimAsync_NewJob_IsOwned()
    {
        var (store, _) = CreateStores();

        Assert.True((await store.ClaimAsync(Guid.NewGuid(), Token)).Owned);
    }

    [Fact]
    public async Task ClaimAsync_ManyGatewaysAtOnce_ExactlyOneOwnsTheJob()
    {
        var (first, second) = CreateStores();
        var id = Guid.NewGuid();

        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? first : second).ClaimAsync(id, Token)));

        Assert.Single(claims, c => c.Owned);
        Assert.All(claims.Where(c => !c.Owned), c => Assert.NotNull(c.Change));
    }

    [Fact]
    public async Task ClaimAsync_WhileRunning_WaitsForTheRunAndGetsItsResult()
    {
        var (first, second) = CreateStores();
        var id = Guid.NewGuid();
        await first.ClaimAsync(id, Token);

        var waiting = await second.ClaimAsync(id, Token);
        Assert.False(waiting.Owned);
        Assert.Null(waiting.Finished);
        Assert.False(waiting.Change!.IsCompleted);
        await first.SaveResultAsync(id, JobResult.Of(Completed(id)), Token);
        await first.EndAsync(id, new JobOutcome(JobResult.Of(Completed(id)), Delivered: true), Token);

        var outcome = await waiting.Change.WaitAsync(Deadline, Token);
        Assert.Equal(id, outcome!.Result!.Completed!.JobId);
        Assert.True(outcome.Delivered);
    }

    [Fact]
    public async Task ClaimAsync_AfterCompletion_AnswersTheStoredResultWithoutRunning()
    {
        var (first, second) = CreateStores();
        var id = Guid.NewGuid();
        await first.ClaimAsync(id, Token);
        await first.SaveResultAsync(id, JobResult.Of(Completed(id)), Token);
        await first.EndAsync(id, new JobOutcome(JobResult.Of(Completed(id)), Delivered: true), Token);

        var again = await second.ClaimAsync(id, Token);

        Assert.False(again.Owned);
        var completed = again.Finished!.Result!.Completed!;
        Assert.Equal(("the text", 4, "sim-a-1"), (completed.Text, completed.CompletionTokens, completed.WorkerId));
    }

    [Fact]
    public async Task ClaimAsync_AfterFailure_WaitersGetTheFailureAndANewSubmissionRunsAgain()
    {
        var (first, second) = CreateStores();
        var id = Guid.NewGuid();
        await first.ClaimAsync(id, Token);
        var waiting = await second.ClaimAsync(id, Token);
        var failed = JobResult.Of(new GenerationJobFailed(id, 503, ErrorTypes.ServiceUnavailable, "no worker", "no_worker"));
        await first.SaveResultAsync(id, failed, Token);
        await first.EndAsync(id, new JobOutcome(failed, Delivered: true), Token);

        Assert.Equal(503, (await waiting.Change!.WaitAsync(Deadline, Token))!.Result!.Failed!.StatusCode);
        Assert.True((await second.ClaimAsync(id, Token)).Owned);
    }

    [Fact]
    public async Task ClaimAsync_AfterTheOwnerGaveUp_IsOwnedByTheNext()
    {
        var (first, second) = CreateStores();
        var id = Guid.NewGuid();
        await first.ClaimAsync(id, Token);
        var waiting = await second.ClaimAsync(id, Token);
        await first.EndAsync(id, JobOutcome.Abandoned, Token);

        Assert.Null((await waiting.Change!.WaitAsync(Deadline, Token))?.Result);
        Assert.True((await second.ClaimAsync(id, Token)).Owned);
    }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    protected static GenerationJobCompleted Completed(Guid id)
        => new(id, "the text", FinishReason.Length, 3, 4, "sim-a-1", "sim", 1, DateTimeOffset.UtcNow);
}

using Microsoft.Extensions.Options;
using Suite.Gateway.Jobs;
using Suite.Gateway.Tests.Jobs;

namespace Suite.Distributed.Tests.Jobs;

/// <summary>
/// The job store contract on a real PostgreSQL, with two gateways' stores over one database, and what only shared
/// state must do: take over a job whose owner died, answer a result stored by a gateway that died while sending it,
/// and delete results past their retention.
/// </summary>
public sealed class PostgresJobStoreTests(JobStateDatabase state) : JobStoreContract, IClassFixture<JobStateDatabase>
{
    private static readonly JobsOptions ShortLease = new() { LeaseSeconds = 1, ResultRetentionHours = 1 };

    protected override (IJobStore First, IJobStore Second) CreateStores() => (Store("gw-a"), Store("gw-b"));

    [Fact]
    public async Task ClaimAsync_OfAJobWhoseOwnerStoppedRenewing_WaitsThenTakesItOver()
    {
        var (dead, alive) = (Store("gw-dead"), Store("gw-alive"));
        var id = Guid.NewGuid();
        Assert.True((await dead.ClaimAsync(id, Token)).Owned);

        var waiting = await alive.ClaimAsync(id, Token);
        Assert.False(waiting.Owned);

        // The poll returns once the lease ran out; the next claim is this gateway's, and it is the job's second run.
        Assert.Null(await waiting.Change!.WaitAsync(TimeSpan.FromSeconds(30), Token));
        Assert.True((await alive.ClaimAsync(id, Token)).Owned);
        Assert.Equal(2, await alive.RunsAsync(id, Token));
    }

    [Fact]
    public async Task ClaimAsync_WhileTheOwnerRenews_NeverTakesTheJobOver()
    {
        var (owner, other) = (Store("gw-owner"), Store("gw-other"));
        var id = Guid.NewGuid();
        await owner.ClaimAsync(id, Token);
        var waiting = await other.ClaimAsync(id, Token);
        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(400, Token);
            await owner.RenewAsync(id, Token);
        }

        Assert.False(waiting.Change!.IsCompleted);
        Assert.False((await other.ClaimAsync(id, Token)).Owned);
        Assert.Equal(1, await owner.RunsAsync(id, Token));
    }

    [Fact]
    public async Task ClaimAsync_OfAResultStoredByAGatewayThatDiedSendingIt_AnswersItWithoutRunning()
    {
        var (dead, alive) = (Store("gw-dead"), Store("gw-alive"));
        var id = Guid.NewGuid();
        await dead.ClaimAsync(id, Token);
        await dead.SaveResultAsync(id, JobResult.Of(Completed(id)), Token);

        var waiting = await alive.ClaimAsync(id, Token);
        var outcome = await waiting.Change!.WaitAsync(TimeSpan.FromSeconds(30), Token);

        Assert.Equal("the text", outcome!.Result!.Completed!.Text);
        Assert.False(outcome.Delivered);
        Assert.False((await alive.ClaimAsync(id, Token)).Owned);
        Assert.Equal(1, await alive.RunsAsync(id, Token));
    }

    [Fact]
    public async Task SweepAsync_DeletesFinishedJobsPastTheRetentionAndKeepsTheRest()
    {
        var store = Store("gw-sweep");
        var (old, recent, running) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var id in new[] { old, recent })
        {
            await store.ClaimAsync(id, Token);
            await store.EndAsync(id, new JobOutcome(JobResult.Of(Completed(id)), Delivered: true), Token);
        }

        await store.ClaimAsync(running, Token);
        await using (var age = state.Database.CreateCommand("UPDATE job_states SET finished_at = now() - interval '2 hours' WHERE id = $1"))
        {
            age.Parameters.AddWithValue(old);
            await age.ExecuteNonQueryAsync(Token);
        }

        await store.SweepAsync(Token);

        Assert.Null(await store.RunsAsync(old, Token));
        Assert.Equal(1, await store.RunsAsync(recent, Token));
        Assert.Equal(1, await store.RunsAsync(running, Token));
    }

    private PostgresJobStore Store(string owner) => new(state.Database, Options.Create(ShortLease), owner + "-" + Guid.NewGuid().ToString("N")[..6]);
}

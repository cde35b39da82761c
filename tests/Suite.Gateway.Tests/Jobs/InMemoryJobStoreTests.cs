using Microsoft.Extensions.Options;
using Suite.Gateway.Jobs;

namespace Suite.Gateway.Tests.Jobs;

public sealed class InMemoryJobStoreTests : JobStoreContract
{
    protected override (IJobStore First, IJobStore Second) CreateStores()
    {
        var store = new InMemoryJobStore(Options.Create(new JobsOptions()));
        return (store, store);
    }

    [Fact]
    public async Task ClaimAsync_AfterTheRetention_ForgetsTheResult()
    {
        var store = new InMemoryJobStore(Options.Create(new JobsOptions { ResultRetentionHours = 1e-9 }));
        var id = Guid.NewGuid();
        await store.ClaimAsync(id, Token);
        await store.EndAsync(id, new JobOutcome(JobResult.Of(Completed(id)), Delivered: true), Token);
        await Task.Delay(10, Token);

        Assert.True((await store.ClaimAsync(id, Token)).Owned);
    }
}

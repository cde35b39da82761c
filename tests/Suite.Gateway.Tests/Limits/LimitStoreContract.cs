using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Suite.Gateway.Limits;
using Suite.Gateway.Tenancy;
using Suite.Gateway.Tests.Tenancy;

namespace Suite.Gateway.Tests.Limits;

/// <summary>
/// What every limit store must do, run against each (in process here; Redis in the distributed tests): the same
/// admissions and settlements give the same answers. Limits are small per minute so that the refill during a test
/// (one request per 20 s at 3 per minute) cannot change an answer.
/// </summary>
public abstract class LimitStoreContract
{
    /// <summary>A fresh store; every test uses its own tenant and key ids too.</summary>
    protected abstract ILimitStore CreateStore();

    protected virtual TimeProvider Time => TimeProvider.System;

    [Fact]
    public async Task Reserve_RequestsPerMinute_AdmitsTheLimitThenRefusesWithRetryAfterAndHeaders()
    {
        var gate = Gate();
        var caller = Caller(key: new TenantLimits(RequestsPerMinute: 3));

        var verdicts = new List<LimitVerdict>();
        for (var i = 0; i < 4; i++)
        {
            verdicts.Add(await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken));
        }

        Assert.All(verdicts.Take(3), v => Assert.Null(v.Refusal));
        Assert.Equal([2L, 1L, 0L], verdicts.Take(3).Select(v => v.Snapshot!.RequestsRemaining));
        Assert.Equal(3, verdicts[0].Snapshot!.RequestsLimit);
        var refused = verdicts[3].Refusal!;
        Assert.Equal(429, refused.StatusCode);
        Assert.Equal("rate_limit_exceeded", refused.Code);
        Assert.InRange(refused.RetryAfterSeconds!.Value, 1, 21);
    }

    [Fact]
    public async Task Reserve_TenantLimitSharedByTwoKeys_HoldsForBothTogether()
    {
        var gate = Gate();
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
        var first = TestTenants.Caller(new TenantLimits(RequestsPerMinute: 3), new TenantLimits(RequestsPerMinute: 100), tenant, "k1" + tenant);
        var second = TestTenants.Caller(new TenantLimits(RequestsPerMinute: 3), new TenantLimits(RequestsPerMinute: 100), tenant, "k2" + tenant);

        var admitted = 0;
        for (var i = 0; i < 6; i++)
        {
            admitted += (await gate.ReserveAsync(i % 2 == 0 ? first : second, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken)).Refusal is null ? 1 : 0;
        }

        Assert.Equal(3, admitted);
    }

    [Fact]
    public async Task Settle_OutputTokensUnusedAreGivenBack_SoTheNextReservationFits()
    {
        var gate = Gate();
        var caller = Caller(key: new TenantLimits(OutputTokensPerMinute: 100));

        var first = await gate.ReserveAsync(caller, Guid.NewGuid(), 10, 60, TestContext.Current.CancellationToken);
        var blocked = await gate.ReserveAsync(caller, Guid.NewGuid(), 10, 60, TestContext.Current.CancellationToken);
        await gate.SettleAsync(first.Reservation!, 10, 8);
        var after = await gate.ReserveAsync(caller, Guid.NewGuid(), 10, 60, TestContext.Current.CancellationToken);

        Assert.Null(first.Refusal);
        Assert.Equal(40, first.Snapshot!.TokensRemaining);
        Assert.Equal("rate_limit_exceeded", blocked.Refusal!.Code);
        Assert.Contains("output tokens", blocked.Refusal.Message, StringComparison.Ordinal);
        Assert.Null(after.Refusal);
        Assert.InRange(after.Snapshot!.TokensRemaining, 32, 33);
    }

    [Fact]
    public async Task Reserve_LargerThanTheLimitItself_IsRefusedAsTooLarge()
    {
        var verdict = await Gate().ReserveAsync(Caller(key: new TenantLimits(InputTokensPerMinute: 100)), Guid.NewGuid(), 150, 10, TestContext.Current.CancellationToken);

        Assert.Equal(429, verdict.Refusal!.StatusCode);
        Assert.Contains("Request too large", verdict.Refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reserve_ConcurrentRequests_ThirdWaitsUntilOneSettles()
    {
        var gate = Gate();
        var caller = Caller(key: new TenantLimits(ConcurrentRequests: 2));

        var a = await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken);
        var b = await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken);
        var c = await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken);
        await gate.SettleAsync(a.Reservation!, 0, 0);
        var d = await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken);

        Assert.Null(a.Refusal);
        Assert.Null(b.Refusal);
        Assert.Contains("concurrent", c.Refusal!.Message, StringComparison.Ordinal);
        Assert.Null(d.Refusal);
    }

    [Fact]
    public async Task Reserve_DailyBudgetSpent_IsInsufficientQuotaUntilSettlementFreesWhatWasNotUsed()
    {
        var gate = Gate();
        var caller = Caller(tenant: new TenantLimits(TokensPerDay: 100));

        var first = await gate.ReserveAsync(caller, Guid.NewGuid(), 20, 40, TestContext.Current.CancellationToken);
        var refused = await gate.ReserveAsync(caller, Guid.NewGuid(), 20, 40, TestContext.Current.CancellationToken);
        await gate.SettleAsync(first.Reservation!, 20, 5);
        var second = await gate.ReserveAsync(caller, Guid.NewGuid(), 20, 40, TestContext.Current.CancellationToken);
        var third = await gate.ReserveAsync(caller, Guid.NewGuid(), 20, 40, TestContext.Current.CancellationToken);

        Assert.Null(first.Refusal);
        Assert.Equal(429, refused.Refusal!.StatusCode);
        Assert.Equal("insufficient_quota", refused.Refusal.Code);
        Assert.Equal("insufficient_quota", refused.Refusal.Type);
        Assert.Null(second.Refusal);
        Assert.Equal("insufficient_quota", third.Refusal!.Code);
    }

    [Fact]
    public async Task Reserve_KeyMarkedRevoked_IsRefusedAtOnce()
    {
        var gate = Gate();
        var caller = Caller(key: new TenantLimits(RequestsPerMinute: 100));
        Assert.Null((await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken)).Refusal);

        Assert.True(await gate.MarkRevokedAsync(LimitPlan.KeyScope(caller.KeyId!), TestContext.Current.CancellationToken));
        var refused = await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken);

        Assert.Equal(401, refused.Refusal!.StatusCode);
        Assert.Contains("revoked", refused.Refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Peek_ShowsWhatIsLeftAndChargesNothing()
    {
        var gate = Gate();
        var caller = Caller(key: new TenantLimits(RequestsPerMinute: 3, OutputTokensPerMinute: 50));
        await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 20, TestContext.Current.CancellationToken);

        var first = await gate.PeekAsync(caller, TestContext.Current.CancellationToken);
        var second = await gate.PeekAsync(caller, TestContext.Current.CancellationToken);

        Assert.Equal(2, first!.RequestsRemaining);
        Assert.Equal(30, first.TokensRemaining);
        Assert.Equal(2, second!.RequestsRemaining);
    }

    protected LimitGate Gate() => new(
        CreateStore(),
        Options.Create(new LimitsOptions()),
        Options.Create(new TenancyOptions()),
        Time,
        NullLogger<LimitGate>.Instance);

    private static Caller Caller(TenantLimits? tenant = null, TenantLimits? key = null)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        return TestTenants.Caller(tenant, key, "t-" + id, id);
    }
}

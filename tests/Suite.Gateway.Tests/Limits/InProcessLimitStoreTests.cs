using Microsoft.Extensions.Time.Testing;
using Suite.Gateway.Limits;
using Suite.Gateway.Tenancy;
using Suite.Gateway.Tests.Tenancy;

namespace Suite.Gateway.Tests.Limits;

/// <summary>The limit contract on the in-process store (embedded mode), on a clock the tests move.</summary>
public sealed class InProcessLimitStoreTests : LimitStoreContract
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 23, 59, 0, TimeSpan.Zero));
    private readonly InProcessLimitStore _store;

    public InProcessLimitStoreTests() => _store = new InProcessLimitStore(_time);

    protected override TimeProvider Time => _time;

    [Fact]
    public async Task Reserve_AfterTwentySecondsAtThreePerMinute_OneMoreRequestFits()
    {
        var gate = Gate();
        var caller = TestTenants.Caller(keyLimits: new TenantLimits(RequestsPerMinute: 3));
        for (var i = 0; i < 3; i++)
        {
            await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken);
        }

        _time.Advance(TimeSpan.FromSeconds(19));
        var early = await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(1));
        var due = await gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken);

        Assert.Equal(1, early.Refusal!.RetryAfterSeconds);
        Assert.Null(due.Refusal);
    }

    [Fact]
    public async Task Reserve_DailyBudget_RenewsAtMidnightUtc()
    {
        var gate = Gate();
        var caller = TestTenants.Caller(tenantLimits: new TenantLimits(TokensPerDay: 10));
        await gate.ReserveAsync(caller, Guid.NewGuid(), 5, 5, TestContext.Current.CancellationToken);

        var spent = await gate.ReserveAsync(caller, Guid.NewGuid(), 1, 0, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMinutes(1));
        var renewed = await gate.ReserveAsync(caller, Guid.NewGuid(), 1, 0, TestContext.Current.CancellationToken);

        Assert.Equal("insufficient_quota", spent.Refusal!.Code);
        Assert.Equal(60, spent.Refusal.RetryAfterSeconds);
        Assert.Null(renewed.Refusal);
    }

    protected override ILimitStore CreateStore() => _store;
}

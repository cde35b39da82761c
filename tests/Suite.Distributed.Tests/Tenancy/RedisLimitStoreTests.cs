using StackExchange.Redis;
using Suite.Distributed.Tests.Infrastructure;
using Suite.Gateway.Limits;
using Suite.Gateway.Tests.Limits;

namespace Suite.Distributed.Tests.Tenancy;

/// <summary>The limit store contract on a real Redis started by the project's script: the same answers as in process.</summary>
public sealed class RedisLimitStoreTests : LimitStoreContract, IAsyncLifetime
{
    private readonly ScriptedServer _redis = ScriptedServer.Redis();
    private ConnectionMultiplexer? _connection;

    public async ValueTask InitializeAsync()
    {
        await _redis.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.Connection);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Reserve_ManyAdmissionsAtOnce_NeverChargeMoreThanTheLimit()
    {
        var gate = Gate();
        var caller = Suite.Gateway.Tests.Tenancy.TestTenants.Caller(keyLimits: new Suite.Gateway.Tenancy.TenantLimits(RequestsPerMinute: 25), key: Guid.NewGuid().ToString("N")[..12], tenant: "t-" + Guid.NewGuid().ToString("N")[..8]);

        var verdicts = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => gate.ReserveAsync(caller, Guid.NewGuid(), 0, 0, TestContext.Current.CancellationToken)));

        Assert.Equal(25, verdicts.Count(v => v.Refusal is null));
    }

    protected override ILimitStore CreateStore() => new RedisLimitStore(_connection!);
}

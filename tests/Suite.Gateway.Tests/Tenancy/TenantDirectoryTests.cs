using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Tests.Tenancy;

public sealed class TenantDirectoryTests
{
    private readonly InMemoryTenantStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AuthenticateAsync_NoKeysConfigured_EveryoneIsTheAnonymousCaller()
    {
        var directory = Directory();

        var resolution = await directory.AuthenticateAsync(null, TestContext.Current.CancellationToken);

        Assert.False(directory.KeysRequired);
        Assert.True(resolution.Caller!.IsAnonymous);
    }

    [Fact]
    public async Task AuthenticateAsync_StoredKey_ResolvesToItsTenantWithTheKeysNarrowerAccess()
    {
        var tenant = TestTenants.Tenant(access: new TenantAccess([], ["cann-a"], ["cann"]));
        var (key, secret) = await AddKeyAsync(tenant, new TenantAccess(["m1"], [], []));
        var directory = Directory(adminKey: "an-admin-key-of-some-length");

        var caller = (await directory.AuthenticateAsync(secret, TestContext.Current.CancellationToken)).Caller!;

        Assert.True(directory.KeysRequired);
        Assert.Equal(tenant.Id, caller.TenantId);
        Assert.Equal(key.Id, caller.KeyId);
        Assert.Equal(["m1"], caller.Access.Models);
        Assert.Equal(["cann-a"], caller.Placement!.Pools);
    }

    [Fact]
    public async Task AuthenticateAsync_MissingWrongRevokedOrExpiredKey_Is401WithTheReason()
    {
        var tenant = TestTenants.Tenant();
        var (revoked, revokedSecret) = await AddKeyAsync(tenant);
        var (_, expiringSecret) = await AddKeyAsync(tenant, expires: _time.GetUtcNow().AddMinutes(5));
        var (_, goodSecret) = await AddKeyAsync(tenant);
        var directory = Directory(adminKey: "an-admin-key-of-some-length", cacheSeconds: 0);
        await _store.RevokeKeyAsync(revoked.Id, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMinutes(6));
        var wrong = goodSecret[..^4] + "0000";

        Assert.Contains("didn't provide", (await directory.AuthenticateAsync(null, TestContext.Current.CancellationToken)).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("Incorrect API key", (await directory.AuthenticateAsync(wrong, TestContext.Current.CancellationToken)).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("revoked", (await directory.AuthenticateAsync(revokedSecret, TestContext.Current.CancellationToken)).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("expired", (await directory.AuthenticateAsync(expiringSecret, TestContext.Current.CancellationToken)).Error!.Message, StringComparison.Ordinal);
        Assert.Equal(401, (await directory.AuthenticateAsync("sk-anything", TestContext.Current.CancellationToken)).Error!.StatusCode);
        Assert.NotNull((await directory.AuthenticateAsync(goodSecret, TestContext.Current.CancellationToken)).Caller);
    }

    [Fact]
    public async Task AuthenticateAsync_ConfiguredShorthandKeys_AreTheDefaultTenantWithoutLimits()
    {
        var directory = Directory(apiKeys: ["first-key", "second-key"]);

        var second = (await directory.AuthenticateAsync("second-key", TestContext.Current.CancellationToken)).Caller!;
        var none = await directory.AuthenticateAsync("third-key", TestContext.Current.CancellationToken);

        Assert.Equal(Caller.DefaultTenantId, second.TenantId);
        Assert.Equal("config-1", second.KeyId);
        Assert.False(second.HasLimits);
        Assert.Equal(401, none.Error!.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_TenantRevokedAfterTheKeyWasCached_IsSeenOnceForgotten()
    {
        var tenant = TestTenants.Tenant();
        var (_, secret) = await AddKeyAsync(tenant);
        var directory = Directory(adminKey: "an-admin-key-of-some-length", cacheSeconds: 3600);
        Assert.NotNull((await directory.AuthenticateAsync(secret, TestContext.Current.CancellationToken)).Caller);

        await _store.RevokeTenantAsync(tenant.Id, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        var cached = await directory.AuthenticateAsync(secret, TestContext.Current.CancellationToken);
        directory.Forget(null, tenant.Id);
        var fresh = await directory.AuthenticateAsync(secret, TestContext.Current.CancellationToken);

        Assert.NotNull(cached.Caller);
        Assert.Contains("revoked", fresh.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForTenantAsync_KnownTenant_IsACallerWithItsAccessUnknownIsRefused()
    {
        var tenant = TestTenants.Tenant("jobs-team", access: new TenantAccess([], ["cann-a"], []));
        await _store.CreateTenantAsync(tenant, TestContext.Current.CancellationToken);
        var directory = Directory(adminKey: "an-admin-key-of-some-length");

        var caller = (await directory.ForTenantAsync("jobs-team", TestContext.Current.CancellationToken)).Caller!;

        Assert.Null(caller.Key);
        Assert.Equal(["cann-a"], caller.Placement!.Pools);
        Assert.Equal(401, (await directory.ForTenantAsync("nobody", TestContext.Current.CancellationToken)).Error!.StatusCode);
    }

    private async Task<(ApiKeyRecord Key, string Secret)> AddKeyAsync(Tenant tenant, TenantAccess? access = null, DateTimeOffset? expires = null)
    {
        await _store.CreateTenantAsync(tenant, TestContext.Current.CancellationToken);
        var (id, secret, hash) = ApiKeySecrets.Create();
        var key = new ApiKeyRecord(id, tenant.Id, "k", hash, access ?? TenantAccess.Any, null, TenantLimits.None, _time.GetUtcNow(), expires);
        Assert.True(await _store.CreateKeyAsync(key, TestContext.Current.CancellationToken));
        return (key, secret);
    }

    private TenantDirectory Directory(string? adminKey = null, List<string>? apiKeys = null, double cacheSeconds = 30)
        => new(
            _store,
            Options.Create(new GatewayOptions { ApiKeys = apiKeys ?? [] }),
            Options.Create(new TenancyOptions { AdminKey = adminKey, KeyCacheSeconds = cacheSeconds }),
            _time,
            NullLogger<TenantDirectory>.Instance);
}

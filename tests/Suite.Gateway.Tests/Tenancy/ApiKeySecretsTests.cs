using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Tests.Tenancy;

public sealed class ApiKeySecretsTests
{
    [Fact]
    public void Create_KeyCarriesItsIdAndMatchesOnlyItsOwnHash()
    {
        var (id, key, hash) = ApiKeySecrets.Create();
        var (_, other, _) = ApiKeySecrets.Create();

        Assert.StartsWith(ApiKeySecrets.Prefix + id + "_", key, StringComparison.Ordinal);
        Assert.True(ApiKeySecrets.TryGetId(key, out var parsed));
        Assert.Equal(id, parsed);
        Assert.True(ApiKeySecrets.Matches(key, hash));
        Assert.False(ApiKeySecrets.Matches(other, hash));
        Assert.DoesNotContain(key[(ApiKeySecrets.Prefix.Length + 13)..], Convert.ToHexStringLower(hash), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sk-suite-")]
    [InlineData("sk-proj-0123456789ab_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sk-suite-0123456789AB_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sk-suite-0123456789ab-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sk-suite-0123456789ab_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")]
    public void TryGetId_AnythingElseThanTheFormat_IsNotAStoreKey(string key)
    {
        Assert.False(ApiKeySecrets.TryGetId(key, out _));
    }
}

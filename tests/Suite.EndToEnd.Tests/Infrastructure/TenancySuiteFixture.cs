using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Suite.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The embedded suite with tenancy on (an admin credential, so every request needs a key), a small request-body limit
/// (4096 bytes) and a small default generation cap (8 tokens), for the tenancy and edge tests. Tenants and keys live in
/// process. <see cref="Key"/> is a key of a tenant without limits, created at start through the admin API.
/// </summary>
public sealed class TenancySuiteFixture : IAsyncLifetime
{
    public const string Model = "suite-smoke";
    public const string AdminKey = "test-admin-credential-0123456789";
    public const int MaxBodyBytes = 4096;
    public const int DefaultMaxTokens = 8;

    private HostProcess? _host;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>No credentials.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>With the admin credential.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A key of tenant <c>edge-tests</c>, without limits.</summary>
    public string Key { get; private set; } = string.Empty;

    public HostProcess Host => _host!;

    public async ValueTask InitializeAsync()
    {
        var port = FreePort.Next();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _host = HostProcess.Start("gateway/Suite.Gateway.Host", new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = BaseAddress.ToString(),
            ["SUITE_MODEL_CACHE"] = RepositoryPaths.ModelCache,
            ["SUITE_MODEL"] = null,
            ["SUITE_TOKENIZER"] = null,
            ["SUITE_POSTGRES"] = null,
            ["SUITE_REDIS"] = null,
            ["Worker__MaxSequences"] = "8",
            ["Worker__HeartbeatIntervalMilliseconds"] = "200",
            ["Tenancy__AdminKey"] = AdminKey,
            ["Gateway__MaxRequestBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway__DefaultMaxTokens"] = DefaultMaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, "tenancy");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        Admin = Client(AdminKey);
        await Poll.UntilAsync(async () => (await Http.GetAsync("/health")).IsSuccessStatusCode, TimeSpan.FromSeconds(120), "the tenancy suite to be healthy", _host);
        await CreateTenantAsync(new { id = "edge-tests" });
        Key = await CreateKeyAsync(new { tenant_id = "edge-tests" });
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        Admin?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>A client that sends <paramref name="key"/> as its bearer token.</summary>
    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<JsonElement> CreateTenantAsync(object tenant)
    {
        using var response = await Admin.PostAsJsonAsync("/admin/v1/tenants", tenant);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Creates a key and returns the secret (shown only in this answer).</summary>
    public async Task<string> CreateKeyAsync(object key)
    {
        using var response = await Admin.PostAsJsonAsync("/admin/v1/keys", key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }

    /// <summary>A tenant with the given limits, access and a key of it; returns the key.</summary>
    public async Task<string> TenantKeyAsync(object? limits = null, string[]? models = null, string[]? pools = null)
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..10];
        await CreateTenantAsync(new { id, limits, allowed_models = models, allowed_pools = pools });
        return await CreateKeyAsync(new { tenant_id = id });
    }
}

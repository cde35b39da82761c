using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.EndToEnd.Tests;

/// <summary>Tenants and keys through the admin API of the embedded suite, and what a key then may and may not do.</summary>
[Collection(TenancySuiteCollection.Name)]
public sealed class TenancyTests(TenancySuiteFixture suite)
{
    private static readonly object Chat = new { model = TenancySuiteFixture.Model, messages = new[] { new { role = "user", content = "Hello" } }, max_tokens = 4, temperature = 0 };

    [Fact]
    public async Task A_key_is_shown_once_stored_only_as_a_hash_and_serves_its_tenant()
    {
        await suite.CreateTenantAsync(new { id = "acme", name = "Acme", tier = "high" });
        using var created = await suite.Admin.PostAsJsonAsync("/admin/v1/keys", new { tenant_id = "acme", name = "ci" }, TestContext.Current.CancellationToken);
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var secret = key.GetProperty("key").GetString()!;
        var listed = await suite.Admin.GetStringAsync("/admin/v1/keys?tenant_id=acme", TestContext.Current.CancellationToken);
        using var client = suite.Client(secret);

        using var response = await client.PostAsJsonAsync("/v1/chat/completions", Chat, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("sk-suite-", secret, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.Contains(key.GetProperty("id").GetString()!, listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await suite.Http.PostAsJsonAsync("/v1/chat/completions", Chat, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task The_admin_api_takes_only_the_admin_credential()
    {
        using var anonymous = await suite.Http.GetAsync("/admin/v1/tenants", TestContext.Current.CancellationToken);
        using var withApiKey = await suite.Client(suite.Key).GetAsync("/admin/v1/tenants", TestContext.Current.CancellationToken);
        using var admin = await suite.Admin.GetAsync("/admin/v1/tenants", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withApiKey.StatusCode);
        Assert.Equal("invalid_api_key", (await ErrorAsync(withApiKey)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once()
    {
        await suite.CreateTenantAsync(new { id = "revoke-me" });
        using var created = await suite.Admin.PostAsJsonAsync("/admin/v1/keys", new { tenant_id = "revoke-me" }, TestContext.Current.CancellationToken);
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        using var client = suite.Client(key.GetProperty("key").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", Chat, TestContext.Current.CancellationToken)).StatusCode);

        using var revoked = await suite.Admin.DeleteAsync($"/admin/v1/keys/{key.GetProperty("id").GetString()}", TestContext.Current.CancellationToken);
        using var refused = await client.PostAsJsonAsync("/v1/chat/completions", Chat, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", (await ErrorAsync(refused)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_limited_to_other_models_does_not_see_or_reach_this_one()
    {
        using var client = suite.Client(await suite.TenantKeyAsync(models: ["another-model"]));

        using var response = await client.PostAsJsonAsync("/v1/chat/completions", Chat, TestContext.Current.CancellationToken);
        var models = await client.GetFromJsonAsync<JsonElement>("/v1/models", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (await ErrorAsync(response)).GetProperty("code").GetString());
        Assert.Equal(0, models.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Requests_beyond_the_keys_rate_limit_get_429_and_every_response_carries_openai_headers()
    {
        using var client = suite.Client(await suite.TenantKeyAsync(limits: new { requests_per_minute = 2 }));

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await client.PostAsJsonAsync("/v1/chat/completions", Chat, TestContext.Current.CancellationToken));
        }

        using var models = await client.GetAsync("/v1/models", TestContext.Current.CancellationToken);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429], responses.Select(r => r.StatusCode));
        Assert.Equal(["1", "0", "0"], responses.Select(r => Header(r, "x-ratelimit-remaining-requests")));
        Assert.All(responses, r => Assert.Equal("2", Header(r, "x-ratelimit-limit-requests")));
        Assert.All(responses, r => Assert.EndsWith("s", Header(r, "x-ratelimit-reset-requests"), StringComparison.Ordinal));
        Assert.Equal("rate_limit_exceeded", (await ErrorAsync(responses[2])).GetProperty("code").GetString());
        Assert.True(responses[2].Headers.RetryAfter?.Delta?.TotalSeconds >= 1);
        Assert.Equal("0", Header(models, "x-ratelimit-remaining-requests"));
    }

    [Fact]
    public async Task A_spent_token_budget_is_insufficient_quota()
    {
        using var client = suite.Client(await suite.TenantKeyAsync(limits: new { tokens_per_day = 60 }));
        var request = new { model = TenancySuiteFixture.Model, prompt = "Once upon a time", max_tokens = 30, ignore_eos = true };

        using var first = await client.PostAsJsonAsync("/v1/completions", request, TestContext.Current.CancellationToken);
        using var second = await client.PostAsJsonAsync("/v1/completions", request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        var error = await ErrorAsync(second);
        Assert.Equal("insufficient_quota", error.GetProperty("code").GetString());
        Assert.Equal("insufficient_quota", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_tenant_pinned_to_a_pool_without_workers_gets_503_naming_the_pool()
    {
        using var client = suite.Client(await suite.TenantKeyAsync(pools: ["cann-sovereign"]));

        using var response = await client.PostAsJsonAsync("/v1/chat/completions", Chat, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal("placement_unavailable", error.GetProperty("code").GetString());
        Assert.Contains("pools cann-sovereign", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_is_reported_per_tenant_key_model_and_backend()
    {
        await suite.CreateTenantAsync(new { id = "billing" });
        var secret = await suite.CreateKeyAsync(new { tenant_id = "billing" });
        using var client = suite.Client(secret);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", Chat, TestContext.Current.CancellationToken)).StatusCode);
        }

        var usage = await suite.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/usage?tenant_id=billing", TestContext.Current.CancellationToken);

        var row = Assert.Single(usage.GetProperty("data").EnumerateArray());
        Assert.Equal("billing", row.GetProperty("tenant_id").GetString());
        Assert.Equal(TenancySuiteFixture.Model, row.GetProperty("model").GetString());
        Assert.Equal("cpu", row.GetProperty("backend").GetString());
        Assert.Equal(2, row.GetProperty("requests").GetInt64());
        Assert.True(row.GetProperty("input_tokens").GetInt64() > 0);
        Assert.True(row.GetProperty("output_tokens").GetInt64() > 0);
        Assert.Equal(2, usage.GetProperty("totals").GetProperty("requests").GetInt64());
    }

    private static string Header(HttpResponseMessage response, string name) => response.Headers.TryGetValues(name, out var values) ? values.Single() : "(none)";

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
}

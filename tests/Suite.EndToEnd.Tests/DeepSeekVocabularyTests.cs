using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.EndToEnd.Tests;

/// <summary>
/// With SUITE_TOKENIZER pointing at DeepSeek V3's tokenizer.json, the embedded suite's generated model and /tokenize use
/// that vocabulary and its chat template. Needs the reference package (tests/run-tests.sh installs it).
/// </summary>
public sealed class DeepSeekVocabularyTests
{
    [Fact]
    public async Task EmbeddedSuite_WithDeepSeekTokenizer_TokenizesAndChatsWithThatVocabulary()
    {
        var tokenizer = Environment.GetEnvironmentVariable("SUITE_TEST_DEEPSEEK_TOKENIZER");
        Assert.SkipWhen(string.IsNullOrEmpty(tokenizer) || !File.Exists(tokenizer), "SUITE_TEST_DEEPSEEK_TOKENIZER is not set (tests/run-tests.sh sets it after npm ci in tests/reference/tokenizer).");
        var port = FreePort.Next();
        await using var host = HostProcess.Start("gateway/Suite.Gateway.Host", new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["SUITE_MODEL_CACHE"] = RepositoryPaths.ModelCache,
            ["SUITE_MODEL"] = null,
            ["SUITE_TOKENIZER"] = tokenizer,
            ["Worker__MaxSequences"] = "2",
        }, "embedded-deepseek");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        while (true)
        {
            Assert.False(host.HasExited, host.ReadLog());
            Assert.True(DateTime.UtcNow < deadline, "not healthy in time:\n" + host.ReadLog());
            try
            {
                using var health = await http.GetAsync("/health", TestContext.Current.CancellationToken);
                if (health.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        var models = await http.GetFromJsonAsync<JsonElement>("/v1/models", TestContext.Current.CancellationToken);
        var model = models.GetProperty("data")[0].GetProperty("id").GetString()!;
        Assert.StartsWith("suite-smoke-", model, StringComparison.Ordinal);

        // "Hello world" in DeepSeek V3's vocabulary (the JS reference gives 19923, 2058); BOS 0 first as its config adds it.
        using var tokenized = await http.PostAsJsonAsync("/tokenize", new { model, prompt = "Hello world" }, TestContext.Current.CancellationToken);
        var tokens = (await tokenized.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        Assert.Equal([0, 19923, 2058], tokens);

        using var chatTokens = await http.PostAsJsonAsync("/tokenize", new { model, messages = new[] { new { role = "user", content = "hi" } } }, TestContext.Current.CancellationToken);
        var ids = (await chatTokens.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        using var rendered = await http.PostAsJsonAsync("/detokenize", new { model, tokens = ids }, TestContext.Current.CancellationToken);
        Assert.Equal("<｜begin▁of▁sentence｜><｜User｜>hi<｜Assistant｜>", (await rendered.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("prompt").GetString());

        using var chat = await http.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 8, temperature = 0 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }
}

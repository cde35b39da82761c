using System.Net;
using System.Text;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;
using static Suite.EndToEnd.Tests.ErrorResponseTests;

namespace Suite.EndToEnd.Tests;

/// <summary>Large, empty and broken inputs get a correct result or a clear 400 — never a crash or a hang.</summary>
[Collection(EmbeddedSuiteCollection.Name)]
public sealed class TokenizerRobustnessTests(EmbeddedSuiteFixture suite)
{
    [Fact]
    public async Task Tokenize_TenMegabytesOfText_ReturnsEveryToken()
    {
        var text = new StringBuilder();
        while (text.Length < 10_000_000)
        {
            text.Append("The quick brown fox jumps over the lazy dog. 敏捷的棕色狐狸 🦊 0123456789\n");
        }

        var body = await PostAsync("/tokenize", new { model = EmbeddedSuiteFixture.Model, prompt = text.ToString() }, HttpStatusCode.OK);
        Assert.True(body.GetProperty("count").GetInt32() > 2_000_000);
        Assert.Equal(body.GetProperty("count").GetInt32(), body.GetProperty("tokens").GetArrayLength());
    }

    [Fact]
    public async Task Completion_128kTokenPrompt_Returns400WithTheLimitAndWhereCountingStopped()
    {
        var prompt = string.Concat(Enumerable.Repeat("hello world", 64_000));
        var count = (await PostAsync("/tokenize", new { model = EmbeddedSuiteFixture.Model, prompt }, HttpStatusCode.OK)).GetProperty("count").GetInt32();
        Assert.True(count >= 128_000);

        // Counting stops at twice the context (8192): the work is bounded by the context, not by the prompt.
        var error = (await PostAsync("/v1/completions", new { model = EmbeddedSuiteFixture.Model, prompt, max_tokens = 5 }, HttpStatusCode.BadRequest)).GetProperty("error");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("maximum context length is 4096 tokens", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("more than 8192 in the prompt, 5 in the completion", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_PromptThatJustFits_IsServedAndOneTokenMoreIsRefusedWithTheExactCount()
    {
        // Around the limit the count is exact: 4090 tokens + 5 fits, and the refusal of a longer one names its size.
        var tokens = (await PostAsync("/tokenize", new { model = EmbeddedSuiteFixture.Model, prompt = "hello" }, HttpStatusCode.OK)).GetProperty("count").GetInt32();
        Assert.Equal(1, tokens);
        var fits = string.Concat(Enumerable.Repeat(" hello", 4090));
        Assert.Equal(4090, (await PostAsync("/tokenize", new { model = EmbeddedSuiteFixture.Model, prompt = fits }, HttpStatusCode.OK)).GetProperty("count").GetInt32());
        await PostAsync("/v1/completions", new { model = EmbeddedSuiteFixture.Model, prompt = fits, max_tokens = 5, temperature = 0 }, HttpStatusCode.OK);
        var error = (await PostAsync("/v1/completions", new { model = EmbeddedSuiteFixture.Model, prompt = fits, max_tokens = 7 }, HttpStatusCode.BadRequest)).GetProperty("error");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("you requested 4097 tokens (4090 in the prompt, 7 in the completion)", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokenize_EmptyPrompt_ReturnsNoTokens_AndCompletionOfEmptyPromptIs400()
    {
        Assert.Equal(0, (await PostAsync("/tokenize", new { model = EmbeddedSuiteFixture.Model, prompt = string.Empty }, HttpStatusCode.OK)).GetProperty("count").GetInt32());
        var error = (await PostAsync("/v1/completions", new { model = EmbeddedSuiteFixture.Model, prompt = string.Empty, max_tokens = 5 }, HttpStatusCode.BadRequest)).GetProperty("error");
        Assert.Equal("empty_prompt", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("/tokenize", "{\"model\":\"suite-smoke\",\"prompt\":\"a\\ud800b\"}")]
    [InlineData("/v1/completions", "{\"model\":\"suite-smoke\",\"prompt\":\"a\\udc00b\",\"max_tokens\":3}")]
    [InlineData("/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"\\ud83d\"}],\"max_tokens\":3}")]
    public async Task LoneSurrogate_Returns400(string path, string json)
    {
        using var response = await suite.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error");
        Assert.Equal("invalid_unicode", error.GetProperty("code").GetString());
    }

    private async Task<JsonElement> PostAsync(string path, object body, HttpStatusCode expected)
    {
        using var response = await suite.Http.PostAsync(path, ErrorResponseTests.Json(body), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text[..Math.Min(500, text.Length)]}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

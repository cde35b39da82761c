using System.Net;
using System.Text;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.EndToEnd.Tests;

/// <summary>Every malformed request gets OpenAI's error shape with the right status, type, param and code.</summary>
[Collection(EmbeddedSuiteCollection.Name)]
public sealed class ErrorResponseTests(EmbeddedSuiteFixture suite)
{
    public static TheoryData<string, string, int, string?, string?> BadRequests => new()
    {
        { "/v1/chat/completions", "{\"model\": \"suite-smoke\", \"messages\": [", 400, null, "invalid_json" },
        { "/v1/chat/completions", "not json at all", 400, null, "invalid_json" },
        { "/v1/chat/completions", "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 404, "model", "model_not_found" },
        { "/v1/completions", "{\"model\":\"nope\",\"prompt\":\"hi\"}", 404, "model", "model_not_found" },
        { "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "model", "missing_required_parameter" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":-5}", 400, "max_tokens", "integer_below_min_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":0}", 400, "max_completion_tokens", "integer_below_min_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":2.5}", 400, "temperature", "decimal_above_max_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":-0.1}", 400, "temperature", "decimal_below_min_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_p\":1.5}", 400, "top_p", "decimal_above_max_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[]}", 400, "messages", "empty_array" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\"}", 400, "messages", "missing_required_parameter" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":\"hello\"}", 400, "messages", "invalid_type" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[\"hello\"]}", 400, "messages[0]", "invalid_type" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"content\":\"hi\"}]}", 400, "messages[0].role", "missing_required_parameter" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", 400, "messages[0].role", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\"}]}", 400, "messages[0].content", "missing_required_parameter" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2}", 400, "n", "unsupported_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", 400, "stop", "array_above_max_length" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":{\"include_usage\":true}}", 400, "stream_options", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":100000}", 400, "messages", "context_length_exceeded" },
        { "/v1/completions", "{\"model\":\"suite-smoke\"}", 400, "prompt", "missing_required_parameter" },
        { "/v1/completions", "{\"model\":\"suite-smoke\",\"prompt\":42}", 400, "prompt", "invalid_type" },
        { "/v1/completions", "{\"model\":\"suite-smoke\",\"prompt\":[1,2,999999999]}", 400, "prompt", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"array\",\"items\":{},\"uniqueItems\":true}}}}", 400, "response_format.json_schema.schema", "invalid_json_schema" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"$ref\":\"https://example.com/s.json\"}}}}", 400, "response_format.json_schema.schema", "invalid_json_schema" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"number\",\"minimum\":0}}}}", 400, "response_format.json_schema.schema", "invalid_json_schema" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}}", 400, "response_format.json_schema.name", "missing_required_parameter" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_object\"},\"ignore_eos\":true}", 400, "ignore_eos", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"xml\"}}", 400, "response_format.type", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":\"garbage\"}", 400, "response_format", "invalid_type" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{}}", 400, "response_format.type", "missing_required_parameter" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logit_bias\":{\"x\":-100}}", 400, "logit_bias", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logit_bias\":{\"50256\":-101}}", 400, "logit_bias", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logit_bias\":{\"50256\":\"ban\"}}", 400, "logit_bias", "invalid_type" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logit_bias\":{\"999999\":5}}", 400, "logit_bias", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tool_choice\":\"required\"}", 400, "tool_choice", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"parallel_tool_calls\":true}", 400, "parallel_tool_calls", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"functions\":[{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}]}", 400, "functions", "unsupported_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"function_call\":\"auto\"}", 400, "function_call", "unsupported_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"modalities\":[\"text\",\"audio\"]}", 400, "modalities", "unsupported_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}}", 400, "audio", "unsupported_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"prediction\":{\"type\":\"content\",\"content\":\"hi\"}}", 400, "prediction", "unsupported_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"extreme\"}", 400, "reasoning_effort", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"low\"}", 400, "reasoning_effort", "unsupported_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"min_p\":0.1}", 400, "min_p", "unsupported_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"service_tier\":\"gold\"}", 400, "service_tier", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":\"x\"}", 400, "metadata", "invalid_type" },
        { "/v1/completions", "{\"model\":\"suite-smoke\",\"prompt\":\"hi\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"string\",\"format\":\"email\"}}}}", 400, "response_format.json_schema.schema", "invalid_json_schema" },
        { "/v1/completions", "{\"model\":\"suite-smoke\",\"prompt\":\"hi\",\"logit_bias\":{\"50259\":5}}", 400, "logit_bias", "invalid_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_logprobs\":2}", 400, "top_logprobs", "unsupported_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}]}", 400, "messages[0].tool_calls", "unsupported_value" },
        { "/v1/chat/completions", "{\"model\":\"suite-smoke\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":7}]}", 400, "messages[0].name", "invalid_type" },
        { "/v1/no-such-endpoint", "{}", 404, null, "unknown_url" },
        { "/admin/v1/tenants", "{}", 404, null, "unknown_url" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Post_BadRequest_ReturnsOpenAiError(string path, string body, int status, string? param, string? code)
    {
        using var response = await suite.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await ReadErrorAsync(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Post_FieldsThatDoNotChangeTheAnswer_AreAccepted()
    {
        using var response = await suite.Http.PostAsync("/v1/chat/completions", Json(new
        {
            model = EmbeddedSuiteFixture.Model,
            max_tokens = 2,
            messages = new[] { new { role = "user", content = "hi" } },
            response_format = new { type = "text" },
            tool_choice = "none",
            user = "user-42",
            metadata = new { team = "search" },
            store = false,
            service_tier = "auto",
            min_p = 0,
            logit_bias = new { },
            modalities = new[] { "text" },
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task WrongMethod_OnAKnownPath_Gets405InOpenAiShape()
    {
        using var response = await suite.Http.GetAsync("/v1/chat/completions", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await ReadErrorAsync(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("method_not_allowed", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Post_PromptLongerThanContext_SaysBothNumbers()
    {
        var prompt = string.Concat(Enumerable.Repeat("hello world ", 3000));
        using var tokenized = await suite.Http.PostAsync("/tokenize", Json(new { model = EmbeddedSuiteFixture.Model, prompt }), TestContext.Current.CancellationToken);
        var count = JsonDocument.Parse(await tokenized.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("count").GetInt32();
        Assert.True(count > 4096);
        using var response = await suite.Http.PostAsync("/v1/completions", Json(new { model = EmbeddedSuiteFixture.Model, prompt }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await ReadErrorAsync(response)).GetProperty("message").GetString()!;
        Assert.Contains("maximum context length is 4096 tokens", message, StringComparison.Ordinal);
        Assert.Contains($"resulted in {count} tokens", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_StreamingRequestRefusedDownstream_GetsStatusNotStream()
    {
        using var response = await suite.Http.PostAsync("/v1/chat/completions", Json(new
        {
            model = EmbeddedSuiteFixture.Model,
            stream = true,
            max_tokens = 100_000,
            messages = new[] { new { role = "user", content = "hi" } },
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await ReadErrorAsync(response)).GetProperty("code").GetString());
    }

    internal static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response)
    {
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Single(body.EnumerateObject());
        var error = body.GetProperty("error");
        foreach (var field in new[] { "message", "type", "param", "code" })
        {
            Assert.True(error.TryGetProperty(field, out _), $"error.{field} missing");
        }

        return error;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.EndToEnd.Tests;

/// <summary>What fuzzing the gateway found, each case kept fixed: every refusal in OpenAI's shape, none a 500.</summary>
[Collection(TenancySuiteCollection.Name)]
public sealed class EdgeHardeningTests(TenancySuiteFixture suite)
{
    [Fact]
    public async Task Max_tokens_near_int_max_is_refused_not_overflowed()
    {
        using var client = suite.Client(suite.Key);

        using var response = await client.PostAsJsonAsync("/v1/completions", new { model = TenancySuiteFixture.Model, prompt = "hi", max_tokens = int.MaxValue }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await ErrorAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_body_over_the_configured_limit_is_413_whether_sized_or_chunked()
    {
        var body = $$"""{"model":"{{TenancySuiteFixture.Model}}","prompt":"{{new string('a', 12_000)}}"}""";

        var sized = await RawAsync($"POST /v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {suite.Key}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        var chunked = await RawAsync($"POST /v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {suite.Key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{body.Length:X}\r\n{body}\r\n0\r\n\r\n");

        Assert.Equal(413, sized.Status);
        Assert.Equal("request_too_large", sized.Error().GetProperty("code").GetString());
        Assert.Equal(413, chunked.Status);
        Assert.Equal("request_too_large", chunked.Error().GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_malformed_chunked_body_is_400_with_a_body_not_500()
    {
        var response = await RawAsync($"POST /v1/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {suite.Key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n{{}}\r\n0\r\n\r\n");

        Assert.Equal(400, response.Status);
        Assert.Equal("invalid_request_error", response.Error().GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("GET", "/v1/nothing-here", 404, "unknown_url")]
    [InlineData("GET", "/v1/chat/completions", 405, "method_not_allowed")]
    [InlineData("DELETE", "/v1/models", 405, "method_not_allowed")]
    public async Task Unknown_routes_and_wrong_methods_get_openai_errors(string method, string path, int status, string code)
    {
        using var client = suite.Client(suite.Key);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await ErrorAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Requests_kestrel_refuses_itself_get_openai_error_bodies()
    {
        var longUrl = await RawAsync($"GET /v1/models?{new string('q', 20_000)} HTTP/1.1\r\nHost: x\r\n\r\n");
        var bigHeaders = await RawAsync($"GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: {new string('h', 40_000)}\r\n\r\n");
        var garbage = await RawAsync("NOT AN HTTP REQUEST\r\n\r\n");

        Assert.Equal(414, longUrl.Status);
        Assert.Equal("url_too_long", longUrl.Error().GetProperty("code").GetString());
        Assert.Equal(431, bigHeaders.Status);
        Assert.Equal("headers_too_large", bigHeaders.Error().GetProperty("code").GetString());
        Assert.Equal(400, garbage.Status);
        Assert.Equal("malformed_request", garbage.Error().GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("text/plain; charset=json")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task Only_application_json_bodies_are_taken(string? contentType)
    {
        using var client = suite.Client(suite.Key);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"model":"{{TenancySuiteFixture.Model}}","prompt":"hi","max_tokens":2}"""));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await client.PostAsync("/v1/completions", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("invalid_content_type", (await ErrorAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Responses_name_the_backend_but_not_the_worker()
    {
        using var client = suite.Client(suite.Key);

        using var response = await client.PostAsJsonAsync("/v1/completions", new { model = TenancySuiteFixture.Model, prompt = "hi", max_tokens = 2 }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cpu", response.Headers.GetValues("X-Suite-Backend").Single());
        Assert.False(response.Headers.Contains("X-Suite-Worker"));
        Assert.False(response.Headers.Contains("X-Suite-Route"));
    }

    [Fact]
    public async Task Health_shows_only_its_status_without_a_key_and_the_report_with_one()
    {
        var anonymous = await suite.Http.GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);
        var withKey = await suite.Client(suite.Key).GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);
        using var live = await suite.Http.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal("healthy", anonymous.GetProperty("status").GetString());
        Assert.False(anonymous.TryGetProperty("workers", out _));
        Assert.False(anonymous.TryGetProperty("services", out _));
        Assert.True(withKey.GetProperty("workers").GetArrayLength() > 0);
        Assert.Equal("in-process", withKey.GetProperty("tenancy").GetProperty("limits").GetProperty("store").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Without_max_tokens_generation_stops_at_the_configured_cap()
    {
        using var client = suite.Client(suite.Key);

        var completion = await (await client.PostAsJsonAsync("/v1/completions", new { model = TenancySuiteFixture.Model, prompt = "Once upon a time", ignore_eos = true }, TestContext.Current.CancellationToken))
            .Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(TenancySuiteFixture.DefaultMaxTokens, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("length", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Refusals_at_the_edge_are_counted_as_request_errors()
    {
        using var client = suite.Client(suite.Key);
        var before = await ErrorsAsync(client, "415");

        for (var i = 0; i < 3; i++)
        {
            await client.PostAsync("/v1/completions", new StringContent("{}", Encoding.UTF8, "text/plain"), TestContext.Current.CancellationToken);
        }

        await Poll.UntilAsync(async () => await ErrorsAsync(client, "415") >= before + 3, TimeSpan.FromSeconds(30), "three 415s in suite:request_errors_total", suite.Host);
    }

    private static async Task<double> ErrorsAsync(HttpClient client, string status)
    {
        var metrics = await client.GetStringAsync("/metrics");
        return metrics.Split('\n')
            .Where(l => l.StartsWith("suite:request_errors_total{", StringComparison.Ordinal) && l.Contains($"status=\"{status}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<RawResponse> RawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(suite.BaseAddress.Host, suite.BaseAddress.Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), TestContext.Current.CancellationToken);
        }
        catch (IOException)
        {
            // The server may answer and close before the whole request is written; its answer is still there to read.
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            while (!Complete(buffer.ToArray()))
            {
                var read = await stream.ReadAsync(chunk, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException)
        {
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var status = int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var at = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = text[..at];
        var body = text[(at + 4)..];
        if (head.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, head, body);
    }

    // One whole response: its head, then Content-Length bytes or the last chunk.
    private static bool Complete(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var at = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        var head = text[..at];
        var length = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase));
        if (length is not null)
        {
            return Encoding.UTF8.GetByteCount(text[(at + 4)..]) >= int.Parse(length[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var at = 0;
        while (true)
        {
            var end = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[at..end], 16);
            if (size == 0)
            {
                return result.ToString();
            }

            result.Append(body, end + 2, size);
            at = end + 2 + size + 2;
        }
    }

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

    private sealed record RawResponse(int Status, string Head, string Body)
    {
        public JsonElement Error() => JsonDocument.Parse(Body).RootElement.GetProperty("error");
    }
}

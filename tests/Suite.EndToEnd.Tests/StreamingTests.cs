using System.Net;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;
using static Suite.EndToEnd.Tests.ErrorResponseTests;

namespace Suite.EndToEnd.Tests;

/// <summary>Server-sent events on the wire, cancellation, stop strings and the completions endpoint.</summary>
[Collection(EmbeddedSuiteCollection.Name)]
public sealed class StreamingTests(EmbeddedSuiteFixture suite)
{
    [Fact]
    public async Task ChatStream_IsWellFormedSse_WithRoleFirstFinishLastAndUsage()
    {
        using var response = await PostStreamAsync("/v1/chat/completions", new
        {
            model = EmbeddedSuiteFixture.Model,
            stream = true,
            stream_options = new { include_usage = true },
            temperature = 0,
            max_tokens = 12,
            messages = new[] { new { role = "user", content = "Count to five." } },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cpu", response.Headers.GetValues("X-Suite-Backend").Single());
        var events = await Sse.ReadAllAsync(response, TestContext.Current.CancellationToken);
        Assert.All(events, e => Assert.Equal("chat.completion.chunk", e.GetProperty("object").GetString()));
        Assert.Single(events.Select(e => e.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", events[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var withChoices = events.Where(e => e.GetProperty("choices").GetArrayLength() > 0).ToList();
        Assert.All(withChoices[..^1], e => Assert.Equal(JsonValueKind.Null, e.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
        Assert.Equal("length", withChoices[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = events[^1].GetProperty("usage");
        Assert.Equal(0, events[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(12, usage.GetProperty("completion_tokens").GetInt32());
        Assert.All(events[..^1], e => Assert.Equal(JsonValueKind.Null, e.GetProperty("usage").ValueKind));
    }

    [Fact]
    public async Task CompletionStream_TextEqualsNonStreamedText()
    {
        var body = new { model = EmbeddedSuiteFixture.Model, prompt = "The capital of France is", temperature = 0, max_tokens = 20 };
        using var plain = await suite.Http.PostAsync("/v1/completions", ErrorResponseTests.Json(body), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var json = JsonDocument.Parse(await plain.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("text_completion", json.GetProperty("object").GetString());
        var text = json.GetProperty("choices")[0].GetProperty("text").GetString();

        using var streamed = await PostStreamAsync("/v1/completions", new { model = EmbeddedSuiteFixture.Model, prompt = "The capital of France is", temperature = 0, max_tokens = 20, stream = true });
        var events = await Sse.ReadAllAsync(streamed, TestContext.Current.CancellationToken);
        Assert.Equal(text, Sse.Text(events));
        Assert.Equal(20, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Stop_StringInTheMiddleOfTheOutput_EndsTextBeforeItWithFinishStop()
    {
        var body = new { model = EmbeddedSuiteFixture.Model, prompt = "Once upon a time", temperature = 0, max_tokens = 40 };
        var full = await CompleteTextAsync(body);
        Assert.True(full.Length > 20, $"output too short to test stop strings: '{full}'");
        var stop = full.Substring(full.Length / 2, 3);
        var cut = full.IndexOf(stop, StringComparison.Ordinal);

        using var response = await suite.Http.PostAsync("/v1/completions", ErrorResponseTests.Json(new { model = EmbeddedSuiteFixture.Model, prompt = "Once upon a time", temperature = 0, max_tokens = 40, stop = new[] { stop } }), TestContext.Current.CancellationToken);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(full[..cut], json.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("stop", json.GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        using var streamed = await PostStreamAsync("/v1/completions", new { model = EmbeddedSuiteFixture.Model, prompt = "Once upon a time", temperature = 0, max_tokens = 40, stop = new[] { stop }, stream = true });
        Assert.Equal(full[..cut], Sse.Text(await Sse.ReadAllAsync(streamed, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Disconnect_MidStream_FreesTheWorkerSlot()
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var response = await SendStreamAsync("/v1/completions", new { model = EmbeddedSuiteFixture.Model, prompt = "A very long story:", max_tokens = 3000, ignore_eos = true, stream = true }, cancel.Token);
        var received = 0;
        await foreach (var _ in Sse.ReadDataAsync(response, cancel.Token))
        {
            if (++received == 5)
            {
                break;
            }
        }

        Assert.True(await WaitForAsync(async () => await suite.RunningSequencesAsync() >= 1), "the sequence never showed as running");
        await cancel.CancelAsync();
        response.Dispose();
        Assert.True(await WaitForAsync(async () => await suite.RunningSequencesAsync() == 0), "the worker slot was not freed after the client disconnected");
    }

    private async Task<string> CompleteTextAsync(object body)
    {
        using var response = await suite.Http.PostAsync("/v1/completions", ErrorResponseTests.Json(body), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }

    private Task<HttpResponseMessage> PostStreamAsync(string path, object body) => SendStreamAsync(path, body, TestContext.Current.CancellationToken);

    private async Task<HttpResponseMessage> SendStreamAsync(string path, object body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = ErrorResponseTests.Json(body) };
        return await suite.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}

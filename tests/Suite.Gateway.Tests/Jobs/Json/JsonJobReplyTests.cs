using System.Text.Json;
using RabbitMQ.Client;
using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.Gateway.Jobs.Json;
using Suite.Gateway.Sessions;

namespace Suite.Gateway.Tests.Jobs.Json;

public sealed class JsonJobReplyTests
{
    private static readonly Guid JobId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    [Fact]
    public async Task SendAsync_ChatChunksAndResult_AreOpenAiObjectsOnReplyToWithTheCorrelationId()
    {
        var publisher = new Captured();
        var reply = new JsonJobReply(publisher, "results", "corr-1", "msg-1", GenerationKind.ChatCompletion, "m", JobId);

        await reply.SendAsync(new GenerationJobChunk(JobId, 0, "Hel", [1, 2]), Token);
        await reply.SendAsync(new GenerationJobChunk(JobId, 1, "lo", [3]), Token);
        await reply.SendAsync(new GenerationJobCompleted(JobId, "Hello", FinishReason.Length, 5, 3, "w", "sim", 1, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)), Token);

        Assert.All(publisher.Sent, m => Assert.Equal(("results", "corr-1", 200), (m.Queue, m.Properties.CorrelationId, (int)m.Properties.Headers![JsonJobProperties.StatusHeader]!)));
        Assert.Equal([JsonJobProperties.ChatCompletionChunk, JsonJobProperties.ChatCompletionChunk, JsonJobProperties.ChatCompletion], publisher.Sent.Select(m => m.Properties.Type));
        var first = publisher.Sent[0].Json.GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal(("assistant", "Hel"), (first.GetProperty("role").GetString(), first.GetProperty("content").GetString()));
        Assert.False(publisher.Sent[1].Json.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("role", out _));
        var result = publisher.Sent[2].Json;
        Assert.Equal("chat.completion", result.GetProperty("object").GetString());
        Assert.Equal("chatcmpl-" + JobId.ToString("N"), result.GetProperty("id").GetString());
        Assert.Equal(1_800_000_000, result.GetProperty("created").GetInt64());
        Assert.Equal("Hello", result.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", result.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(8, result.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.All(publisher.Sent, m => Assert.Equal(DeliveryModes.Persistent, m.Properties.DeliveryMode));
    }

    [Fact]
    public async Task SendAsync_TextCompletionWithoutCorrelationId_IsATextCompletionCorrelatedByMessageId()
    {
        var publisher = new Captured();
        var reply = new JsonJobReply(publisher, "results", null, "msg-1", GenerationKind.Completion, "m", JobId);

        await reply.SendAsync(new GenerationJobChunk(JobId, 0, "Once", [1]), Token);
        await reply.SendAsync(new GenerationJobCompleted(JobId, "Once upon", FinishReason.Stop, 2, 2, "w", "sim", 1, DateTimeOffset.UtcNow), Token);

        Assert.Equal([JsonJobProperties.TextCompletionChunk, JsonJobProperties.TextCompletion], publisher.Sent.Select(m => m.Properties.Type));
        Assert.All(publisher.Sent, m => Assert.Equal("msg-1", m.Properties.CorrelationId));
        Assert.Equal("Once", publisher.Sent[0].Json.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("text_completion", publisher.Sent[1].Json.GetProperty("object").GetString());
        Assert.Equal("stop", publisher.Sent[1].Json.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task SendAsync_Failure_IsAnOpenAiErrorWithItsStatus()
    {
        var publisher = new Captured();
        var reply = new JsonJobReply(publisher, "results", "c", "m", GenerationKind.ChatCompletion, "m", JobId);

        await reply.SendAsync(new GenerationJobFailed(JobId, 401, ErrorTypes.Authentication, "bad key", "invalid_api_key"), Token);
        await reply.SendAsync(new PipelineError(400, ErrorTypes.InvalidRequest, "bad temperature", "temperature", "decimal_above_max_value"), Token);

        Assert.Equal([401, 400], publisher.Sent.Select(m => (int)m.Properties.Headers![JsonJobProperties.StatusHeader]!));
        Assert.All(publisher.Sent, m => Assert.Equal(JsonJobProperties.Error, m.Properties.Type));
        var error = publisher.Sent[0].Json.GetProperty("error");
        Assert.Equal(("bad key", "authentication_error", "invalid_api_key"), (error.GetProperty("message").GetString(), error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
        Assert.Equal("temperature", publisher.Sent[1].Json.GetProperty("error").GetProperty("param").GetString());
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private sealed class Captured : IJsonJobPublisher
    {
        public List<(string Queue, BasicProperties Properties, JsonElement Json)> Sent { get; } = [];

        public Task PublishAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            Sent.Add((queue, properties, JsonDocument.Parse(body).RootElement.Clone()));
            return Task.CompletedTask;
        }
    }
}

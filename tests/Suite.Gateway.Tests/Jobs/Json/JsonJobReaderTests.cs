using System.Text;
using RabbitMQ.Client;
using Suite.Contracts.Jobs;
using Suite.Gateway.Jobs.Json;
using Suite.Gateway.Sessions;

namespace Suite.Gateway.Tests.Jobs.Json;

public sealed class JsonJobReaderTests
{
    [Fact]
    public void Read_ChatBody_IsAChatJobWithItsIdPriorityKeyAndStreaming()
    {
        var id = Guid.NewGuid();
        var properties = Properties(id.ToString());
        properties.Priority = 7;
        properties.Headers = new Dictionary<string, object?> { [JsonJobProperties.ApiKeyHeader] = Encoding.UTF8.GetBytes("sk-tenant") };

        var (read, error) = JsonJobReader.Read(properties, Body("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"temperature":0,"stream":true}"""));

        Assert.Null(error);
        Assert.Equal(GenerationKind.ChatCompletion, read!.Kind);
        var job = read.Job;
        Assert.Equal((id, "m", 7, true, "sk-tenant", 5), (job.JobId, job.Model, job.Priority, job.StreamChunks, job.ApiKey, job.Limits.MaxTokens));
        Assert.Equal("hi", Assert.Single(job.Input.Messages!).Content);
        Assert.Equal(0f, job.Sampling.Temperature);
    }

    [Fact]
    public void Read_PromptBodyWithoutType_IsACompletionAndTakesTheBodysPriorityWithoutAnAmqpOne()
    {
        var (read, _) = JsonJobReader.Read(Properties("job-1"), Body("""{"model":"m","prompt":"Once","priority":3}"""));

        Assert.Equal(GenerationKind.Completion, read!.Kind);
        Assert.Equal(("Once", 3, false), (read.Job.Input.Prompt, read.Job.Priority, read.Job.StreamChunks));
    }

    [Fact]
    public void JobIdOf_AnyText_IsStableAndDistinct()
    {
        Assert.Equal(JsonJobReader.JobIdOf("order-42"), JsonJobReader.JobIdOf("order-42"));
        Assert.NotEqual(JsonJobReader.JobIdOf("order-42"), JsonJobReader.JobIdOf("order-43"));
        Assert.NotEqual(Guid.Empty, JsonJobReader.JobIdOf("order-42"));
    }

    [Fact]
    public void Read_NoMessageId_IsAnInvalidJobNamingIt()
    {
        var (read, error) = JsonJobReader.Read(Properties(null), Body("""{"model":"m","prompt":"x"}"""));

        Assert.Null(read);
        Assert.Equal((400, "invalid_job", "message_id"), (error!.StatusCode, error.Code, error.Param));
    }

    [Fact]
    public void Read_NotJson_IsInvalidJson()
    {
        var (_, error) = JsonJobReader.Read(Properties("a"), Body("{ this is not json"));

        Assert.Equal((400, "invalid_json"), (error!.StatusCode, error.Code));
    }

    [Theory]
    [InlineData("""{"model":"m","prompt":"x","temperature":3}""", "temperature", "decimal_above_max_value")]
    [InlineData("""{"model":"m","messages":[]}""", "messages", "empty_array")]
    [InlineData("""{"prompt":"x"}""", "model", "missing_required_parameter")]
    [InlineData("""{"model":"m","prompt":"x","logprobs":3}""", "logprobs", "unsupported_value")]
    public void Read_InvalidRequest_IsRefusedAsTheHttpApiRefusesIt(string body, string param, string code)
    {
        var (_, error) = JsonJobReader.Read(Properties("a"), Body(body));

        Assert.Equal((400, param, code), (error!.StatusCode, error.Param, error.Code));
    }

    [Fact]
    public void Read_TypeCompletionsWithMessages_NeedsAPrompt()
    {
        var properties = Properties("a");
        properties.Type = JsonJobProperties.Completions;

        var (_, error) = JsonJobReader.Read(properties, Body("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(("prompt", "missing_required_parameter"), (error!.Param, error.Code));
    }

    [Fact]
    public void Read_UnknownType_IsAnInvalidJob()
    {
        var properties = Properties("a");
        properties.Type = "embeddings";

        var (_, error) = JsonJobReader.Read(properties, Body("""{"model":"m","prompt":"x"}"""));

        Assert.Equal(("type", "invalid_job"), (error!.Param, error.Code));
    }

    private static BasicProperties Properties(string? messageId) => new() { MessageId = messageId, ReplyTo = "my-results" };

    private static ReadOnlyMemory<byte> Body(string json) => Encoding.UTF8.GetBytes(json);
}

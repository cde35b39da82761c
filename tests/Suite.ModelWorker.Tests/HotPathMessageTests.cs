using System.Text.Json;
using Suite.Contracts;
using Suite.ServiceDefaults.Bus.HotPath;

namespace Suite.ModelWorker.Tests;

/// <summary>Every message of the request pipeline survives the hot path's JSON unchanged, and hot addresses parse back.</summary>
public sealed class HotPathMessageTests
{
    private static readonly Uri Reply = PipelineAddresses.HotAddress("suite-gateway-host-1-abc-hot");

    public static TheoryData<object> Messages()
    {
        var id = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var sampling = new SamplingParameters(Temperature: 0.7f, TopP: 0.9f, TopK: 40, Seed: 42, FrequencyPenalty: 0.5f, PresencePenalty: 0.25f);
        var limits = new GenerationLimits(64, ["\n\n", "END"], IgnoreEos: true);
        var continuation = new Continuation([11, 12, 13], 7, 2, ["cpu-a"]);
        var input = new GenerationInput(null, [new ChatMessage("user", "Hé, 世界 🙂")]);
        return new TheoryData<object>
        {
            new PrepareGeneration(id, "suite-smoke", input, sampling, limits, Reply, 3, now, continuation),
            new RouteGeneration(id, "suite-smoke", [1, 2, 3], sampling, limits, Reply, 3, now, continuation),
            new GenerateTokens(id, "suite-smoke", [1, 2, 3], sampling, limits, Reply, 3, now, now, continuation),
            new TokensGeneratedBatch([new TokensGenerated(id, 0, [5, 6], "hi 🙂", "cpu-a", "cpu", 1), new TokensGenerated(id, 1, [], "", "cpu-a", "cpu", 1)]),
            new GenerationCompleted(id, FinishReason.Length, 3, 64, 9, "cpu-a", "cpu", false, new WorkerTimings(0.001, 0.002, 0.003, 0.5, [0.01f, 0.02f]), 1),
            new GenerationFailed(id, 503, "service_unavailable", "busy", null, "worker_overloaded", 1, "cpu-a"),
        };
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_pipeline_message_round_trips(object message)
    {
        var type = message.GetType();
        var json = JsonSerializer.Serialize(message, type, HotMessage.Json);
        var back = JsonSerializer.Deserialize(json, type, HotMessage.Json);
        Assert.Equal(json, JsonSerializer.Serialize(back, type, HotMessage.Json));
        if (json.Contains("replyAddress", StringComparison.Ordinal))
        {
            Assert.Contains("\"replyAddress\":\"hot:suite-gateway-host-1-abc-hot\"", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Hot_addresses_name_their_queue_and_other_addresses_are_not_hot()
    {
        Assert.True(PipelineAddresses.TryGetHotQueue(Reply, out var queue));
        Assert.Equal("suite-gateway-host-1-abc-hot", queue);
        Assert.False(PipelineAddresses.TryGetHotQueue(QueueNames.Address(QueueNames.Tokenizer), out _));
        Assert.Equal(new Uri("hot:suite-tokenizer-hot"), new PipelineAddresses(hot: true).Tokenizer);
        Assert.Equal(QueueNames.Address(QueueNames.Router), new PipelineAddresses(hot: false).Router);
        Assert.True(PipelineAddresses.IsShared(PipelineAddresses.RouterQueue));
        Assert.False(PipelineAddresses.IsShared(queue));
    }
}

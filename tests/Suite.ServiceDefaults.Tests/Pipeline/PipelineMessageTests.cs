using System.Collections;
using System.Reflection;
using System.Text.Json;
using Suite.Contracts;
using Suite.ServiceDefaults.Errors;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.ServiceDefaults.Tests.Pipeline;

/// <summary>Every message of the request pipeline survives the pipeline's JSON with every value intact, and addresses parse back.</summary>
public sealed class PipelineMessageTests
{
    private static readonly Uri Reply = PipelineAddresses.Address("suite-gateway-host-1-abc-hot");

    public static TheoryData<object> Messages()
    {
        var id = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var sampling = new SamplingParameters(
            Temperature: 0.7f, TopP: 0.9f, TopK: 40, Seed: 42, FrequencyPenalty: 0.5f, PresencePenalty: 0.25f,
            Grammar: new GrammarConstraint("root ::= \"{\" space \"}\"\nspace ::= | \" \"\n"),
            LogitBias: [new TokenBias(7, -100f), new TokenBias(50256, 2.5f)]);
        var limits = new GenerationLimits(64, ["\n\n", "END"], IgnoreEos: true);
        var continuation = new Continuation([11, 12, 13], 7, 2, ["cpu-a"]);
        var tools = new[] { new ToolDefinition("function", new FunctionDefinition("get_weather", "Weather now", """{"type":"object","properties":{"city":{"type":"string"}}}""", true)) };
        var input = new GenerationInput(null, [
            new ChatMessage("user", "Hé, 世界 🙂"),
            new ChatMessage("assistant", null, ToolCalls: [new ToolCall("call_1", "function", new ToolCallFunction("get_weather", """{"city":"Paris"}"""))], ReasoningContent: "think"),
            new ChatMessage("tool", "18°C", ToolCallId: "call_1"),
        ], Tools: tools);
        return new TheoryData<object>
        {
            new PrepareGeneration(id, "suite-smoke", input, sampling, limits, Reply, 3, now, continuation),
            new RouteGeneration(id, "suite-smoke", [1, 2, 3], sampling, limits, Reply, 3, now, continuation),
            new GenerateTokens(id, "suite-smoke", [1, 2, 3], sampling, limits, Reply, 3, now, now, continuation),
            new TokensGeneratedBatch([new TokensGenerated(id, 0, [5, 6], "hi 🙂", "cpu-a", "cpu", 1), new TokensGenerated(id, 1, [], "", "cpu-a", "cpu", 1)]),
            new GenerationCompleted(id, FinishReason.Length, 3, 64, 9, "cpu-a", "cpu", false, new WorkerTimings(0.001, 0.002, 0.003, 0.5, [0.01f, 0.02f]), 1),
            new GenerationFailed(id, PipelineErrors.WorkerOverloaded("busy"), "cpu-a"),
            new GenerationsPending("cpu-a", [new PendingGeneration(id, 2)]),
        };
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Serialize_EveryPipelineMessage_RoundTripsWithEveryValue(object message)
    {
        var type = message.GetType();
        var json = JsonSerializer.Serialize(message, type, PipelineMessage.Json);

        var back = JsonSerializer.Deserialize(json, type, PipelineMessage.Json);

        AssertSameValues(message, back, type.Name);
        if (json.Contains("replyAddress", StringComparison.Ordinal))
        {
            Assert.Contains("\"replyAddress\":\"pipeline:suite-gateway-host-1-abc-hot\"", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Deserialize_SamplingFromBeforeConstraints_HasNoGrammarAndNoBias()
    {
        // A message from a service built before grammars and biases existed: the optional fields are absent.
        var back = JsonSerializer.Deserialize<SamplingParameters>("""{"temperature":0.5,"topP":1,"topK":0,"seed":3,"frequencyPenalty":0,"presencePenalty":0}""", PipelineMessage.Json)!;

        Assert.Equal((0.5f, 3L, null, null), (back.Temperature, back.Seed!.Value, back.Grammar, back.LogitBias));
        Assert.False(back.IsConstrained);
    }

    [Fact]
    public void TryGetQueue_PipelineAddress_NamesItsQueue_OtherAddressesAreNotPipelineAddresses()
    {
        Assert.True(PipelineAddresses.TryGetQueue(Reply, out var queue));
        Assert.Equal("suite-gateway-host-1-abc-hot", queue);
        Assert.False(PipelineAddresses.TryGetQueue(QueueNames.Address(QueueNames.Tokenizer), out _));
        Assert.Equal(new Uri("pipeline:suite-tokenizer-hot"), PipelineAddresses.Tokenizer);
        Assert.True(PipelineAddresses.IsShared(PipelineAddresses.RouterQueue));
        Assert.False(PipelineAddresses.IsShared(queue));
    }

    /// <summary>Compares public property values recursively (records, collections, scalars), so a field lost or mangled by the JSON shows by name.</summary>
    private static void AssertSameValues(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} vs {actual ?? "null"}");
            return;
        }

        var type = expected.GetType();
        if (type.IsPrimitive || type.IsEnum || expected is string or Guid or DateTimeOffset or Uri or decimal)
        {
            Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
            return;
        }

        if (expected is IEnumerable sequence)
        {
            var left = sequence.Cast<object?>().ToList();
            var right = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.True(left.Count == right.Count, $"{path}: {left.Count} items, got {right.Count}");
            for (var i = 0; i < left.Count; i++)
            {
                AssertSameValues(left[i], right[i], $"{path}[{i}]");
            }

            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            AssertSameValues(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }
}

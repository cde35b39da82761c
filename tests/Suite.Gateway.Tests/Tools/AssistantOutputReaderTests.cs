using System.Text;
using System.Text.Json;
using Suite.Contracts;
using Suite.Gateway.Tools;

namespace Suite.Gateway.Tests.Tools;

/// <summary>
/// The answer reader on the exact text each family's chat template writes for an assistant's tool calls (Qwen3's
/// Hermes blocks, DeepSeek V3's tool-call tokens, Llama 3.1's JSON), read whole and one character at a time.
/// </summary>
public sealed class AssistantOutputReaderTests
{
    private static readonly ChatTemplateFeatures HermesModel = new(ToolCallFormats.Hermes, Reasoning: true, ReasoningStartsInPrompt: false);
    private static readonly ChatTemplateFeatures DeepSeekModel = new(ToolCallFormats.DeepSeekV3, Reasoning: false, ReasoningStartsInPrompt: false);
    private static readonly ChatTemplateFeatures R1Model = new(ToolCallFormats.DeepSeekV3, Reasoning: true, ReasoningStartsInPrompt: true);
    private static readonly ChatTemplateFeatures LlamaModel = new(ToolCallFormats.Llama3Json, Reasoning: false, ReasoningStartsInPrompt: false);

    // What Qwen3's template renders for {"content": "Checking.", "tool_calls": [get_weather(Paris), get_time(UTC)]}.
    private const string Qwen3Calls = "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"UTC\"}}\n</tool_call>";

    // What DeepSeek V3's template renders for two calls (content none).
    private const string DeepSeekCalls = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>\n<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_time\n```json\n{\"zone\": \"UTC\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>";

    public static TheoryData<string, int> Splits => new() { { "whole", 0 }, { "by character", 1 }, { "by 3", 3 } };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Hermes_ContentThenTwoCalls(string how, int step)
    {
        _ = how;
        var (content, reasoning, calls) = Read(HermesModel, "<think>\nweather and time\n</think>\n\n" + Qwen3Calls, step);
        Assert.Equal("Checking.", content);
        Assert.Equal("\nweather and time\n", reasoning);
        AssertCalls(calls, ("get_weather", """{"city":"Paris"}"""), ("get_time", """{"zone":"UTC"}"""));
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void DeepSeekV3_TwoCalls_NoContent(string how, int step)
    {
        _ = how;
        var (content, reasoning, calls) = Read(DeepSeekModel, DeepSeekCalls, step);
        Assert.Equal(string.Empty, content);
        Assert.Equal(string.Empty, reasoning);
        AssertCalls(calls, ("get_weather", """{"city":"Paris"}"""), ("get_time", """{"zone":"UTC"}"""));
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void R1_OutputStartsInsideTheReasoning(string how, int step)
    {
        _ = how;
        var (content, reasoning, calls) = Read(R1Model, "The user greets.\n</think>\n\nHello!", step);
        Assert.Equal("Hello!", content);
        Assert.Equal("The user greets.\n", reasoning);
        Assert.Empty(calls);
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void Llama3Json_TheAnswerIsTheCall(string how, int step)
    {
        _ = how;
        var (content, _, calls) = Read(LlamaModel, """{"name": "get_weather", "parameters": {"city": "Paris"}}""", step);
        Assert.Equal(string.Empty, content);
        AssertCalls(calls, ("get_weather", """{"city":"Paris"}"""));

        (content, _, calls) = Read(LlamaModel, """<|python_tag|>{"name": "a", "parameters": {"x": ";"}}; {"name": "b", "parameters": {}}""", step);
        Assert.Equal(string.Empty, content);
        AssertCalls(calls, ("a", """{"x":";"}"""), ("b", "{}"));

        (content, _, calls) = Read(LlamaModel, """It is {"name": "x"} maybe""", step);
        Assert.Equal("""It is {"name": "x"} maybe""", content);
        Assert.Empty(calls);
    }

    [Fact]
    public void ACallThatDoesNotParse_OrNeverEnds_IsPassedOnAsContent()
    {
        var (content, _, calls) = Read(HermesModel, "<tool_call>\n{\"name\": \"f\", \"arguments\": {oops}\n</tool_call>", 1);
        Assert.Equal("<tool_call>\n{\"name\": \"f\", \"arguments\": {oops}\n</tool_call>", content);
        Assert.Empty(calls);

        (content, _, calls) = Read(HermesModel, "Sure <tool_call>\n{\"name\": \"f\", \"argu", 2);
        Assert.Equal("Sure <tool_call>\n{\"name\": \"f\", \"argu", content);
        Assert.Empty(calls);
    }

    [Fact]
    public void WithoutToolsOrReasoning_TheTextIsContentUnchanged()
    {
        var reader = new AssistantOutputReader(null, readToolCalls: false);
        var text = "<think>x</think> <tool_call>{}</tool_call>";
        var pieces = reader.Read(text).Concat(reader.Finish()).ToList();
        Assert.Equal(text, string.Concat(pieces.Select(p => p.Text)));

        // Tools given but tool_choice none: calls are not read.
        var (content, _, calls) = Read(HermesModel with { Reasoning = false }, Qwen3Calls, 1, readToolCalls: false);
        Assert.Equal(Qwen3Calls, content);
        Assert.Empty(calls);
    }

    [Fact]
    public void ParallelCallsOff_OnlyTheFirstCallIsReturned()
    {
        var (_, _, calls) = Read(HermesModel, Qwen3Calls, 0, parallel: false);
        AssertCalls(calls, ("get_weather", """{"city":"Paris"}"""));
    }

    [Fact]
    public void AReasoningModelThatDoesNotThink_AnswersInContent()
    {
        var (content, reasoning, _) = Read(HermesModel, "<thin", 1);
        Assert.Equal("<thin", content);
        Assert.Equal(string.Empty, reasoning);

        (content, reasoning, _) = Read(HermesModel, "Plain answer", 1);
        Assert.Equal("Plain answer", content);
        Assert.Equal(string.Empty, reasoning);
    }

    [Fact]
    public void CallIds_HaveOpenAisShape()
    {
        var id = ToolCallSyntax.NewCallId();
        Assert.Matches("^call_[A-Za-z0-9]{24}$", id);
        Assert.NotEqual(id, ToolCallSyntax.NewCallId());
    }

    private static (string Content, string Reasoning, List<ToolCall> Calls) Read(ChatTemplateFeatures features, string text, int step, bool readToolCalls = true, bool parallel = true)
    {
        var reader = new AssistantOutputReader(features, readToolCalls, parallel);
        var pieces = new List<OutputPiece>();
        if (step == 0)
        {
            pieces.AddRange(reader.Read(text));
        }
        else
        {
            for (var i = 0; i < text.Length; i += step)
            {
                pieces.AddRange(reader.Read(text.Substring(i, Math.Min(step, text.Length - i))));
            }
        }

        pieces.AddRange(reader.Finish());
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        var calls = new List<ToolCall>();
        foreach (var piece in pieces)
        {
            if (piece.Call is { } call)
            {
                calls.Add(call);
            }
            else
            {
                (piece.Part == OutputPart.Reasoning ? reasoning : content).Append(piece.Text);
            }
        }

        Assert.Equal(calls.Count, reader.ToolCallCount);
        return (content.ToString(), reasoning.ToString(), calls);
    }

    private static void AssertCalls(List<ToolCall> calls, params (string Name, string Arguments)[] expected)
    {
        Assert.Equal(expected.Length, calls.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal("function", calls[i].Type);
            Assert.Equal(expected[i].Name, calls[i].Function.Name);
            Assert.Equal(
                JsonSerializer.Serialize(JsonDocument.Parse(expected[i].Arguments).RootElement),
                JsonSerializer.Serialize(JsonDocument.Parse(calls[i].Function.Arguments).RootElement));
        }
    }
}

using System.Text.Json;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Sessions;

namespace Suite.Gateway.Tests.OpenAi;

public sealed class RequestParserTests
{
    [Fact]
    public void Parse_ChatRequest_ReadsEveryField()
    {
        var (parsed, error) = Parse("""
            {"model":"m","messages":[{"role":"developer","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi "},{"type":"text","text":"there"}]}],
             "max_tokens":7,"temperature":0.5,"top_p":0.9,"top_k":40,"seed":3,"stop":"END","stream":true,"stream_options":{"include_usage":true}}
            """, GenerationKind.ChatCompletion);

        Assert.Null(error);
        var request = parsed!.Request;
        Assert.Equal("m", request.Model);
        Assert.Equal(["system", "user"], request.Input.Messages!.Select(m => m.Role));
        Assert.Equal("hi there", request.Input.Messages![1].Content);
        Assert.Equal(7, request.Limits.MaxTokens);
        Assert.Equal(["END"], request.Limits.Stop);
        Assert.Equal((0.5f, 0.9f, 40, 3L), (request.Sampling.Temperature, request.Sampling.TopP, request.Sampling.TopK, request.Sampling.Seed!.Value));
        Assert.True(parsed.Stream);
        Assert.True(parsed.IncludeUsage);
    }

    [Theory]
    [InlineData("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", "tool_choice")]
    [InlineData("\"functions\":[]", "functions")]
    [InlineData("\"min_p\":0.05", "min_p")]
    public void Parse_FieldThatWouldChangeTheAnswer_IsRefusedNamingIt(string field, string param)
    {
        var (parsed, error) = Parse($$"""{"model":"m","messages":[{"role":"user","content":"x"}],{{field}}}""", GenerationKind.ChatCompletion);

        Assert.Null(parsed);
        Assert.Equal((400, param), (error!.StatusCode, error.Param));
    }

    [Fact]
    public void Parse_NullFields_AreAsAbsent()
    {
        var (parsed, error) = Parse("""{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":null,"logit_bias":null,"tool_choice":null,"functions":null,"reasoning_effort":null}""", GenerationKind.ChatCompletion);

        Assert.Null(error);
        Assert.NotNull(parsed);
    }

    [Fact]
    public void Parse_MaxCompletionTokens_TakesPrecedenceOverMaxTokens()
    {
        var (parsed, _) = Parse("""{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":5,"max_completion_tokens":9}""", GenerationKind.ChatCompletion);

        Assert.Equal(9, parsed!.Request.Limits.MaxTokens);
    }

    [Fact]
    public void Parse_CompletionWithTokenIds_KeepsTheIds()
    {
        var (parsed, error) = Parse("""{"model":"m","prompt":[1,2,3]}""", GenerationKind.Completion);

        Assert.Null(error);
        Assert.Equal([1, 2, 3], parsed!.Request.Input.PromptTokens!);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model")]
    [InlineData("""{"model":"m"}""", "messages")]
    [InlineData("""{"model":"m","messages":[{"role":"narrator","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":3}""", "temperature")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"top_p":0}""", "top_p")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}""", "stream_options")]
    public void Parse_InvalidField_Is400NamingTheParameter(string body, string param)
    {
        var (parsed, error) = Parse(body, GenerationKind.ChatCompletion);

        Assert.Null(parsed);
        Assert.Equal(400, error!.StatusCode);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void Parse_NotAnObject_Is400()
    {
        var (_, error) = Parse("[1,2]", GenerationKind.Completion);

        Assert.Equal(400, error!.StatusCode);
    }

    [Fact]
    public void Parse_MaxTokensOfTheWrongTypeBesideMaxCompletionTokens_IsRefused()
    {
        var error = Error("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":5,"max_tokens":"abc"}""");

        Assert.Equal("max_tokens", error.Param);
        Assert.Equal("invalid_type", error.Code);
    }

    [Fact]
    public void Parse_StopLongerThanTheLimit_IsRefused()
    {
        var stop = new string('x', RequestParser.MaxStopLength + 1);

        var single = Error($$"""{"model":"m","prompt":"hi","stop":"{{stop}}"}""", GenerationKind.Completion);
        var listed = Error($$"""{"model":"m","prompt":"hi","stop":["ok","{{stop}}"]}""", GenerationKind.Completion);

        Assert.Equal("stop", single.Param);
        Assert.Equal("string_above_max_length", listed.Code);
    }

    [Fact]
    public void Parse_MoreMessagesThanOpenAiAllows_IsRefused()
    {
        var messages = string.Join(',', Enumerable.Repeat("""{"role":"user","content":"x"}""", RequestParser.MaxMessages + 1));

        var error = Error($$"""{"model":"m","messages":[{{messages}}]}""");

        Assert.Equal("messages", error.Param);
        Assert.Equal("array_above_max_length", error.Code);
    }

    [Theory]
    [InlineData("\"tools\":\"x\"")]
    [InlineData("\"tools\":{}")]
    [InlineData("\"tools\":3")]
    public void Parse_ToolsOfTheWrongType_IsRefused(string tools)
    {
        var error = Error($$"""{"model":"m","messages":[{"role":"user","content":"hi"}],{{tools}}}""");

        Assert.Equal("tools", error.Param);
        Assert.Equal("invalid_type", error.Code);
    }

    [Fact]
    public void Parse_EmptyOrNullTools_AreAccepted()
    {
        Assert.Null(RequestParser.Parse(Json("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[]}"""), GenerationKind.ChatCompletion).Error);
        Assert.Null(RequestParser.Parse(Json("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":null}"""), GenerationKind.ChatCompletion).Error);
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("Application/JSON", true)]
    [InlineData("text/plain; charset=json", false)]
    [InlineData("application/x-www-form-urlencoded", false)]
    [InlineData("text/json", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsJson_OnlyApplicationJson(string? contentType, bool expected)
    {
        Assert.Equal(expected, RequestBody.IsJson(contentType));
    }

    private static (ParsedGeneration? Request, Suite.Contracts.PipelineError? Error) Parse(string json, GenerationKind kind)
        => RequestParser.Parse(JsonDocument.Parse(json).RootElement, kind);

    private static Suite.Contracts.PipelineError Error(string json, GenerationKind kind = GenerationKind.ChatCompletion)
    {
        var (request, error) = RequestParser.Parse(Json(json), kind);
        Assert.Null(request);
        return error!;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}

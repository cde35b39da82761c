using System.Text.Json;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Sessions;
using Suite.Gateway.StructuredOutput;
using Suite.Gateway.Tests.StructuredOutput;

namespace Suite.Gateway.Tests.OpenAi;

public sealed class StructuredOutputParsingTests
{
    private const string Chat = """{"model":"m","messages":[{"role":"user","content":"x"}],""";

    [Fact]
    public void Parse_JsonObject_CarriesTheAnyObjectGrammar()
    {
        var sampling = Sampling(Chat + """ "response_format":{"type":"json_object"}}""");

        Assert.Equal((JsonSchemaGrammar.AnyObject(), "root"), (sampling.Grammar!.Gbnf, sampling.Grammar.Root));
    }

    [Fact]
    public void Parse_JsonSchema_CarriesItsGrammar_OnCompletionsToo()
    {
        var sampling = Sampling("""{"model":"m","prompt":"x","response_format":{"type":"json_schema","json_schema":{"name":"flag","strict":true,"schema":{"type":"boolean"}}}}""", GenerationKind.Completion);

        Assert.Equal(JsonSchemaGrammarTests.Convert("""{"type":"boolean"}"""), sampling.Grammar!.Gbnf);
    }

    [Fact]
    public void Parse_TextFormat_HasNoGrammar()
        => Assert.Null(Sampling(Chat + """ "response_format":{"type":"text"}}""").Grammar);

    [Theory]
    [InlineData(""" "response_format":{"type":"json_schema"}""", "response_format.json_schema", "missing_required_parameter")]
    [InlineData(""" "response_format":{"type":"json_schema","json_schema":{"schema":{}}}""", "response_format.json_schema.name", "missing_required_parameter")]
    [InlineData(""" "response_format":{"type":"json_schema","json_schema":{"name":"a b","schema":{}}}""", "response_format.json_schema.name", "invalid_value")]
    [InlineData(""" "response_format":{"type":"json_schema","json_schema":{"name":"a","strict":"yes","schema":{}}}""", "response_format.json_schema.strict", "invalid_type")]
    [InlineData(""" "response_format":{"type":"json_schema","json_schema":{"name":"a","schema":[]}}""", "response_format.json_schema.schema", "invalid_type")]
    [InlineData(""" "response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{"type":"string","format":"email"}}}""", "response_format.json_schema.schema", "invalid_json_schema")]
    [InlineData(""" "response_format":{"type":"json_object"},"ignore_eos":true""", "ignore_eos", "invalid_value")]
    [InlineData(""" "response_format":{"type":"yaml"}""", "response_format.type", "invalid_value")]
    [InlineData(""" "logit_bias":[1]""", "logit_bias", "invalid_type")]
    [InlineData(""" "logit_bias":{"abc":1}""", "logit_bias", "invalid_value")]
    [InlineData(""" "logit_bias":{"-1":1}""", "logit_bias", "invalid_value")]
    [InlineData(""" "logit_bias":{"1.5":1}""", "logit_bias", "invalid_value")]
    [InlineData(""" "logit_bias":{"7":"1"}""", "logit_bias", "invalid_type")]
    [InlineData(""" "logit_bias":{"7":100.5}""", "logit_bias", "invalid_value")]
    [InlineData(""" "logit_bias":{"7":-101}""", "logit_bias", "invalid_value")]
    public void Parse_BadStructuredOutputOrBias_Is400NamingTheParameter(string fields, string param, string code)
    {
        var (parsed, error) = RequestParser.Parse(Json(Chat + fields + "}"), GenerationKind.ChatCompletion);

        Assert.Null(parsed);
        Assert.Equal((400, param, code), (error!.StatusCode, error.Param, error.Code));
    }

    [Fact]
    public void Parse_UnsupportedSchemaKeyword_MessageNamesIt()
    {
        var (_, error) = RequestParser.Parse(Json(Chat + """ "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"array","items":{},"uniqueItems":true}}}}"""), GenerationKind.ChatCompletion);

        Assert.Contains("'uniqueItems'", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LogitBias_CarriesEveryBias()
    {
        var sampling = Sampling(Chat + """ "logit_bias":{"7":-100,"50256":100,"3":0.5}}""");

        Assert.Equal([(7, -100f), (50256, 100f), (3, 0.5f)], sampling.LogitBias!.Select(b => (b.Token, b.Bias)));
    }

    [Fact]
    public void Parse_EmptyLogitBias_IsNoBias()
        => Assert.Null(Sampling(Chat + """ "logit_bias":{}}""").LogitBias);

    private static Suite.Contracts.SamplingParameters Sampling(string json, GenerationKind kind = GenerationKind.ChatCompletion)
    {
        var (parsed, error) = RequestParser.Parse(Json(json), kind);
        Assert.Null(error);
        return parsed!.Request.Sampling;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}

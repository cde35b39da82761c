using System.ComponentModel;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Json.Schema;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Suite.EndToEnd.Tests.Infrastructure;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatMessage = OpenAI.Chat.ChatMessage;
using ChatResponseFormat = OpenAI.Chat.ChatResponseFormat;

// The SDK marks Seed experimental; the suite honours it, and fixed seeds make these runs repeatable.
#pragma warning disable OPENAI001

namespace Suite.EndToEnd.Tests;

/// <summary>
/// Structured output and logit_bias through the official OpenAI client and Microsoft.Extensions.AI. The smoke model
/// has random weights, so its free text is gibberish: every well-formed document here is the grammar's doing.
/// </summary>
[Collection(EmbeddedSuiteCollection.Name)]
public sealed class StructuredOutputTests(EmbeddedSuiteFixture suite)
{
    private const string PetSchema = """
        {
          "type": "object",
          "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 10},
            "age": {"type": "integer", "minimum": 0, "maximum": 30},
            "kind": {"enum": ["cat", "dog", "fish"]},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 5}, "maxItems": 3},
            "owner": {"anyOf": [{"$ref": "#/$defs/person"}, {"type": "null"}]},
            "born": {"type": "string", "format": "date"},
            "code": {"type": "string", "pattern": "^[A-Z]{2}-\\d{3}$"}
          },
          "required": ["name", "age", "kind", "tags", "owner", "born", "code"],
          "additionalProperties": false,
          "$defs": {
            "person": {
              "type": "object",
              "properties": {"first": {"type": ["string", "null"], "maxLength": 6}, "vip": {"type": "boolean"}},
              "required": ["first", "vip"],
              "additionalProperties": false
            }
          }
        }
        """;

    private static readonly ChatMessage[] Conversation = [new UserChatMessage("Describe a pet as JSON.")];

    [Fact]
    public async Task JsonSchema_ManySeedsAndTemperatures_StreamedAndNot_ValidateAgainstTheSchema()
    {
        var chat = suite.OpenAI.GetChatClient(EmbeddedSuiteFixture.Model);
        var schema = JsonSchema.FromText(PetSchema);
        var format = ChatResponseFormat.CreateJsonSchemaFormat("pet", BinaryData.FromString(PetSchema), jsonSchemaIsStrict: true);
        var runs = (from temperature in new[] { 0f, 0.7f, 1.0f, 1.5f } from seed in new[] { 1L, 2L, 3L } select (temperature, seed)).ToList();
        var i = 0;
        foreach (var (temperature, seed) in runs)
        {
            var options = new ChatCompletionOptions { ResponseFormat = format, Temperature = temperature, Seed = seed, MaxOutputTokenCount = 256 };
            var (text, finish) = i++ % 2 == 0 ? await CompleteAsync(chat, options) : await StreamAsync(chat, options);

            Assert.True(finish == ChatFinishReason.Stop, $"t={temperature} seed={seed}: {finish} after {text}");
            using var document = JsonDocument.Parse(text);
            var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, $"t={temperature} seed={seed}: {text}");
        }
    }

    [Fact]
    public async Task JsonObject_ManySeeds_AlwaysAnObjectOrItsBeginning()
    {
        var chat = suite.OpenAI.GetChatClient(EmbeddedSuiteFixture.Model);
        for (var seed = 0; seed < 12; seed++)
        {
            var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat(), Temperature = 0.4f + (seed % 3 * 0.5f), Seed = seed, MaxOutputTokenCount = 48 };

            var (text, finish) = seed % 2 == 0 ? await CompleteAsync(chat, options) : await StreamAsync(chat, options);

            // Free-length strings can outlast the budget on a gibberish model: then the text is the start of an object.
            Assert.StartsWith("{", text, StringComparison.Ordinal);
            if (finish == ChatFinishReason.Stop)
            {
                Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(text).RootElement.ValueKind);
            }
            else
            {
                Assert.Equal(ChatFinishReason.Length, finish);
                Assert.True(IsJsonPrefix(text), text);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JsonSchema_BudgetTooSmall_EndsWithLengthAndAPrefix(bool stream)
    {
        var chat = suite.OpenAI.GetChatClient(EmbeddedSuiteFixture.Model);
        var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("pet", BinaryData.FromString(PetSchema)), Temperature = 0, MaxOutputTokenCount = 4 };

        var (text, finish) = stream ? await StreamAsync(chat, options) : await CompleteAsync(chat, options);

        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.StartsWith("{", text, StringComparison.Ordinal);
        Assert.True(IsJsonPrefix(text), text);
    }

    [Fact]
    public async Task JsonSchema_OnCompletions_IsHonouredToo()
    {
        using var response = await suite.Http.PostAsJsonAsync("/v1/completions", new
        {
            model = EmbeddedSuiteFixture.Model,
            prompt = "Answer:",
            max_tokens = 64,
            temperature = 0.9,
            seed = 4,
            response_format = new { type = "json_schema", json_schema = new { name = "answer", schema = JsonDocument.Parse("""{"type":"object","properties":{"yes":{"type":"boolean"},"n":{"type":"integer","minimum":1,"maximum":5}},"required":["yes","n"],"additionalProperties":false}""").RootElement } },
        }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        using var answer = JsonDocument.Parse(choice.GetProperty("text").GetString()!);
        Assert.InRange(answer.RootElement.GetProperty("n").GetInt32(), 1, 5);
    }

    [Fact]
    public async Task ExtensionsAi_GetResponseAsyncOfT_DeserializesTheStructuredAnswer()
    {
        IChatClient client = suite.OpenAI.GetChatClient(EmbeddedSuiteFixture.Model).AsIChatClient();

        var response = await client.GetResponseAsync<Reading>(
            "Give me a sensor reading.",
            options: new ChatOptions { Temperature = 0.8f, Seed = 11, MaxOutputTokens = 128 },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.TryGetResult(out var reading), response.Text);
        Assert.True(Enum.IsDefined(reading.Unit));
    }

    [Fact]
    public async Task LogitBias_Minus100_BansTheGreedyToken()
    {
        var greedy = await CompleteTextAsync(new { max_tokens = 1, temperature = 0 });
        var token = await TokenIdAsync(greedy);

        var banned = await CompleteTextAsync(new { max_tokens = 1, temperature = 0, logit_bias = new Dictionary<string, int> { [token.ToString(System.Globalization.CultureInfo.InvariantCulture)] = -100 } });

        Assert.NotEqual(greedy, banned);
    }

    [Fact]
    public async Task LogitBias_Plus100_ForcesTheToken()
    {
        var token = await TokenIdAsync(" the");

        var text = await CompleteTextAsync(new { max_tokens = 4, temperature = 1.2, seed = 9, ignore_eos = true, logit_bias = new Dictionary<string, int> { [token.ToString(System.Globalization.CultureInfo.InvariantCulture)] = 100 } });

        Assert.Equal(" the the the the", text);
    }

    [Fact]
    public async Task LogitBias_ThroughTheOpenAiClient_IsHonoured()
    {
        var chat = suite.OpenAI.GetChatClient(EmbeddedSuiteFixture.Model);
        var token = await TokenIdAsync(" the");
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 3 };
        options.LogitBiases[token] = 100;

        var (text, _) = await CompleteAsync(chat, options);

        Assert.Equal(" the the the", text);
    }

    /// <summary>Whether <paramref name="text"/> is the beginning of some JSON text (every token so far well-formed).</summary>
    private static bool IsJsonPrefix(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<string> CompleteTextAsync(object fields)
    {
        var body = JsonSerializer.SerializeToNode(fields)!.AsObject();
        body["model"] = EmbeddedSuiteFixture.Model;
        body["prompt"] = "The quick brown fox";
        using var response = await suite.Http.PostAsJsonAsync("/v1/completions", body, TestContext.Current.CancellationToken);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }

    private async Task<int> TokenIdAsync(string text)
    {
        using var response = await suite.Http.PostAsJsonAsync("/tokenize", new { prompt = text, add_special_tokens = false }, TestContext.Current.CancellationToken);
        var tokens = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("tokens");
        Assert.Equal(1, tokens.GetArrayLength());
        return tokens[0].GetInt32();
    }

    private static async Task<(string Text, ChatFinishReason? Finish)> CompleteAsync(ChatClient chat, ChatCompletionOptions options)
    {
        var completion = (await chat.CompleteChatAsync(Conversation, options, TestContext.Current.CancellationToken)).Value;
        return (completion.Content.Count == 0 ? string.Empty : completion.Content[0].Text, completion.FinishReason);
    }

    private static async Task<(string Text, ChatFinishReason? Finish)> StreamAsync(ChatClient chat, ChatCompletionOptions options)
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync(Conversation, options, TestContext.Current.CancellationToken))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        return (text.ToString(), finish);
    }

    /// <summary>What Microsoft.Extensions.AI turns into a json_schema response format.</summary>
    [Description("A sensor reading")]
    /// <remarks>A long: the schema of an integer does not bound it, and the grammar allows up to 16 digits.</remarks>
    public sealed record Reading(long Value, bool Calibrated, ReadingUnit Unit);

    public enum ReadingUnit
    {
        Celsius,
        Kelvin,
        Pascal,
    }
}

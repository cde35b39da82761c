using System.Text;
using System.Text.Json;
using Suite.Contracts;
using Suite.Gateway.StructuredOutput;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Backends.LlamaCpp;

namespace Suite.ModelWorker.Tests.Engine;

/// <summary>
/// Grammars and logit biases on the real llama.cpp engine over the smoke model (random weights, so its free text is
/// gibberish: whatever structure comes out is the grammar's doing).
/// </summary>
public sealed class ConstrainedSamplingTests(SmokeModelFixture fixture)
{
    /// <summary>Schemas covering every construct the converter writes.</summary>
    public static readonly TheoryData<string> Schemas = new()
    {
        "{}",
        """{"type":"object"}""",
        """{"type":"string","minLength":1,"maxLength":4}""",
        """{"type":"integer","minimum":-123,"maximum":42}""",
        """{"type":"integer","exclusiveMinimum":10}""",
        """{"type":"number"}""",
        """{"enum":["red","amber",null,42,["foo"]]}""",
        """{"const":{"a":[1,"x"]}}""",
        """{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"string"},"d":{"type":"string"},"c":{"type":"string"}},"required":["a","b"],"additionalProperties":false}""",
        """{"type":"object","properties":{"and":{"type":"number"},"also":{"type":"number"}},"required":["and"],"additionalProperties":{"type":"number"}}""",
        """{"type":"object","additionalProperties":{"type":"array","items":{"type":"boolean"},"maxItems":2}}""",
        """{"type":"array","items":{"type":["integer","null"]},"minItems":3,"maxItems":5}""",
        """{"anyOf":[{"type":"string","format":"date"},{"type":"string","format":"time"},{"type":"string","format":"date-time"},{"type":"string","format":"uuid"}]}""",
        """{"type":"string","pattern":"^(\\([0-9]{1,3}\\))?\\d{3}-[0-9]{4} a{3,5}nd...[^x-z]\\w+(?:ab|cd)*$"}""",
        """{"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["v","next"],"additionalProperties":false}}}""",
        """{"type":"object","properties":{"name":{"type":"string","maxLength":8},"tags":{"type":"array","items":{"type":"string","maxLength":4},"maxItems":3},"ok":{"type":"boolean"}},"required":["name","tags","ok"],"additionalProperties":false}""",
    };

    private LlamaCppBackend Backend => fixture.Backend;

    [Fact]
    public void Heartbeat_LlamaCppWorker_SaysItCanConstrainDecoding()
        => Assert.True(Suite.ModelWorker.Hosting.HeartbeatFactory.Create(new("worker-test", "cpu", "cpu"), Backend, new(), null).ConstrainedDecoding);

    [Theory]
    [MemberData(nameof(Schemas))]
    public void ConvertedGrammar_ParsesInLlamaCpp(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        var grammar = new GrammarConstraint(JsonSchemaGrammar.FromSchema(document.RootElement));

        NativeGrammar.Check(Backend.NativeVocabulary, grammar);
    }

    [Theory]
    [InlineData("root ::= \"a\" undefined-rule")]
    [InlineData("root ::= [a-")]
    [InlineData("")]
    public void Schedule_GrammarLlamaCppCannotParse_IsRejectedNotACrash(string gbnf)
    {
        var request = Request([1, 2, 3], new SamplingParameters(Temperature: 0, Grammar: new GrammarConstraint(gbnf)), 4);

        var error = Assert.Throws<ConstraintRejectedException>(() => Backend.Schedule(request));

        Assert.Equal("response_format", error.Parameter);
        Assert.Contains("could not parse the grammar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grammar_AnyObject_EndsAtTheEndOfGenerationTokenWithValidJson()
    {
        var prompt = Backend.Tokenize("The quick brown fox");
        var grammar = new GrammarConstraint(JsonSchemaGrammar.FromSchema(JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"string","maxLength":6},"b":{"type":"integer","minimum":0,"maximum":99}},"required":["a","b"],"additionalProperties":false}""").RootElement));
        foreach (var (temperature, seed) in new[] { (0f, 0L), (0.8f, 1L), (1.5f, 2L) })
        {
            var (tokens, outcome) = await SequenceRunner.RunAsync(Backend, Request(prompt, new SamplingParameters(temperature, Seed: seed, Grammar: grammar), 128));

            // Stop without stop strings: the end-of-generation token, which the grammar allows only once the object is whole.
            Assert.Equal(FinishReason.Stop, outcome.Reason);
            Assert.DoesNotContain(tokens, Backend.Vocabulary.IsEndOfGeneration);
            using var json = JsonDocument.Parse(Text(tokens));
            Assert.True(json.RootElement.GetProperty("a").GetString()!.Length <= 6);
            Assert.InRange(json.RootElement.GetProperty("b").GetInt32(), 0, 99);
        }
    }

    [Fact]
    public async Task Grammar_TokenBudgetTooSmall_EndsWithLength()
    {
        var grammar = new GrammarConstraint(JsonSchemaGrammar.AnyObject());

        var (tokens, outcome) = await SequenceRunner.RunAsync(Backend, Request(Backend.Tokenize("Hello"), new SamplingParameters(Temperature: 0, Grammar: grammar), 1));

        Assert.Equal((FinishReason.Length, 1), (outcome.Reason, tokens.Count));
        Assert.StartsWith("{", Text(tokens), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grammar_ResumedSequence_ContinuesTheSameDocument()
    {
        var prompt = Backend.Tokenize("Once upon a time");
        var sampling = new SamplingParameters(Temperature: 0, Grammar: new GrammarConstraint(JsonSchemaGrammar.FromSchema(JsonDocument.Parse("""{"type":"array","items":{"type":"string","maxLength":5},"minItems":2,"maxItems":3}""").RootElement)));
        var (whole, _) = await SequenceRunner.RunAsync(Backend, Request(prompt, sampling, 64));
        var split = whole.Count / 2;

        // As after a failover: the earlier attempt's tokens are part of the prefix, and the grammar resumes after them.
        var (rest, outcome) = await SequenceRunner.RunAsync(Backend, Request([.. prompt, .. whole[..split]], sampling, 64, resumed: split));

        Assert.Equal(FinishReason.Stop, outcome.Reason);
        using var json = JsonDocument.Parse(Text([.. whole[..split], .. rest]));
        Assert.InRange(json.RootElement.GetArrayLength(), 2, 3);
    }

    [Fact]
    public async Task LogitBias_Minus100_BansTheGreedyToken()
    {
        var prompt = Backend.Tokenize("The quick brown fox");
        var greedy = (await SequenceRunner.RunAsync(Backend, Request(prompt, SamplingParameters.Greedy, 1, ignoreEos: true))).Tokens[0];

        var (tokens, _) = await SequenceRunner.RunAsync(Backend, Request(prompt, new SamplingParameters(Temperature: 0, LogitBias: [new TokenBias(greedy, -100)]), 8, ignoreEos: true));

        Assert.DoesNotContain(greedy, tokens);
    }

    [Fact]
    public async Task LogitBias_Plus100_ForcesTheToken()
    {
        var forced = Backend.Tokenize(" zebra")[0];

        var (tokens, _) = await SequenceRunner.RunAsync(Backend, Request(Backend.Tokenize("Hello"), new SamplingParameters(Temperature: 1.5f, Seed: 7, LogitBias: [new TokenBias(forced, 100)]), 6, ignoreEos: true));

        Assert.Equal(Enumerable.Repeat(forced, 6), tokens);
    }

    [Fact]
    public async Task LogitBias_Plus100OnSeveralTokens_ChoosesOnlyAmongThem()
    {
        var allowed = new[] { Backend.Tokenize(" zebra")[0], Backend.Tokenize(" apple")[0] };

        var (tokens, _) = await SequenceRunner.RunAsync(Backend, Request(Backend.Tokenize("Hello"), new SamplingParameters(Temperature: 2f, Seed: 3, LogitBias: [.. allowed.Select(t => new TokenBias(t, 100))]), 16, ignoreEos: true));

        Assert.All(tokens, t => Assert.Contains(t, allowed));
    }

    [Fact]
    public async Task LogitBias_WithAGrammar_StaysFiniteSoTheGrammarAlwaysHasATokenLeft()
    {
        // +100 on a token the grammar never allows, -100 on '{', which it needs first: still a whole JSON object.
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"integer","minimum":0,"maximum":9}},"required":["a"],"additionalProperties":false}""").RootElement;
        var sampling = new SamplingParameters(Temperature: 0, Grammar: new GrammarConstraint(JsonSchemaGrammar.FromSchema(schema)), LogitBias: [new TokenBias(Backend.Tokenize(" zebra")[0], 100), new TokenBias(Backend.Tokenize("{")[0], -100)]);

        var (tokens, outcome) = await SequenceRunner.RunAsync(Backend, Request(Backend.Tokenize("Hello"), sampling, 64));

        Assert.Equal(FinishReason.Stop, outcome.Reason);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(Text(tokens)).RootElement.ValueKind);
    }

    [Fact]
    public void Schedule_BiasOutsideTheVocabulary_IsRejected()
    {
        var error = Assert.Throws<ConstraintRejectedException>(() => Backend.Schedule(Request([1], new SamplingParameters(LogitBias: [new TokenBias(Backend.Vocabulary.Count, 1)]), 1)));

        Assert.Equal("logit_bias", error.Parameter);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-100.5f)]
    public void Schedule_BiasOutsideItsRange_IsRejected(float bias)
    {
        var error = Assert.Throws<ConstraintRejectedException>(() => Backend.Schedule(Request([1], new SamplingParameters(LogitBias: [new TokenBias(5, bias)]), 1)));

        Assert.Equal("logit_bias", error.Parameter);
    }

    [Fact]
    public void Schedule_GrammarWithIgnoreEos_IsRejected()
    {
        // As a queue job could ask: the finished grammar would leave no token to sample.
        var request = Request([1], new SamplingParameters(Grammar: new GrammarConstraint(JsonSchemaGrammar.AnyObject())), 4, ignoreEos: true);

        Assert.Equal("ignore_eos", Assert.Throws<ConstraintRejectedException>(() => Backend.Schedule(request)).Parameter);
    }

    private static SequenceRequest Request(int[] prefix, SamplingParameters sampling, int maxNewTokens, bool ignoreEos = false, int resumed = 0)
        => new(Guid.NewGuid(), prefix, sampling, maxNewTokens, ignoreEos, ResumedTokens: resumed);

    private string Text(IEnumerable<int> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            bytes.AddRange(Backend.Vocabulary.Piece(token).ToArray());
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}

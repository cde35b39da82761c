using Suite.Contracts;
using Suite.Tokenizer.Core;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Tests;

/// <summary>The context check of the tokenizer service: prompt + max_tokens against the model's context, in 64-bit arithmetic.</summary>
public sealed class PromptEncoderTests
{
    private const string Model = "m";
    private const int Context = 4096;

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(2147483000)]
    [InlineData(int.MaxValue - 3)]
    public void Encode_MaxTokensNearIntMax_IsRefusedNotOverflowed(int maxTokens)
    {
        var result = Encoder().Encode(Model, new GenerationInput("hello", null), maxTokens);

        Assert.NotNull(result.Error);
        Assert.Equal("context_length_exceeded", result.Error.Code);
        Assert.Contains($"{5L + maxTokens} tokens", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_PromptPlusMaxTokensJustFits_IsAccepted_OneMoreIsRefused()
    {
        Assert.Null(Encoder().Encode(Model, new GenerationInput("hello", null), Context - 5).Error);
        Assert.Equal("context_length_exceeded", Encoder().Encode(Model, new GenerationInput("hello", null), Context - 4).Error?.Code);
    }

    [Fact]
    public void Resolve_NoMaxTokensWithADefaultCap_TakesTheCapOrWhatTheContextLeaves()
    {
        var limits = new GenerationLimits(null, [], DefaultMaxTokens: 1000);

        Assert.Equal(1000, PromptEncoder.Resolve(limits, 100, Context).MaxTokens);
        Assert.Equal(96, PromptEncoder.Resolve(limits, 4000, Context).MaxTokens);
        Assert.Equal(7, PromptEncoder.Resolve(limits with { MaxTokens = 7 }, 100, Context).MaxTokens);
        Assert.Null(PromptEncoder.Resolve(new GenerationLimits(null, []), 100, Context).MaxTokens);
    }

    private static PromptEncoder Encoder()
    {
        var registry = new TokenizerRegistry();
        registry.Add(new ModelTokenizer(Model, new CharTokenizer(), Context));
        return new PromptEncoder(registry);
    }

    /// <summary>One token per character: enough to count.</summary>
    private sealed class CharTokenizer : ITextTokenizer
    {
        public string Name => "chars";

        public int VocabularySize => 65_536;

        public IChatTemplate? ChatTemplate => null;

        public int[] Encode(string text, bool addSpecialTokens) => [.. text.Select(c => (int)c)];

        public BoundedEncoding Encode(string text, bool addSpecialTokens, int maxTokens)
        {
            var tokens = Encode(text, addSpecialTokens);
            return tokens.Length > maxTokens ? new BoundedEncoding(tokens[..maxTokens], false) : new BoundedEncoding(tokens, true);
        }

        public string Decode(ReadOnlySpan<int> tokens, bool skipSpecialTokens) => new([.. tokens.ToArray().Select(t => (char)t)]);
    }
}

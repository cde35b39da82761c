using Suite.Models.Gguf;
using Suite.Tokenizer.Core.Loading;
using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Tests;

/// <summary>GGUF metadata (<c>tokenizer.ggml.*</c>) loads into the same tokenizer as the equivalent tokenizer.json.</summary>
public sealed class GgufTokenizerTests
{
    [Theory]
    [InlineData("llama-bpe")]
    [InlineData("qwen2")]
    [InlineData("gpt-2")]
    public void SyntheticVocabularyEncodesWithTheNamedPreTokenizer(string pre)
    {
        var json = pre == "llama-bpe" ? SyntheticTokenizers.Llama3() : SyntheticTokenizers.Qwen();
        var path = Path.Combine(Path.GetTempPath(), $"suite-tokenizer-{Environment.ProcessId}-{pre}.gguf");
        try
        {
            GgufTestWriter.WriteTokenizerOnly(path, json, pre, addBos: true, SyntheticTokenizers.Llama3Template, bosId: 1000, eosId: 1001);
            var gguf = TokenizerLoader.FromGguf(path);
            Assert.Equal($"bpe(gguf:{pre})", gguf.Name);
            Assert.Equal(SyntheticTokenizers.Llama3().ChatTemplate!.Name, gguf.ChatTemplate?.Name);
            Assert.Equal(1000, gguf.Encode("hello", addSpecialTokens: true)[0]);
            IEnumerable<string?> digits = gguf.Encode("12345", false).Select(id => gguf.IdToToken(id)).ToList();
            switch (pre)
            {
                case "llama-bpe":
                    Assert.Equal(["123", "4", "5"], digits);
                    Assert.Equal([SyntheticTokenizers.WordId(gguf, "xyz")], gguf.Encode("xyz", false)); // ignore_merges
                    Assert.Equal(json.Encode("hello world 12345 xyz <|eot_id|>", true), gguf.Encode("hello world 12345 xyz <|eot_id|>", true));
                    break;
                case "qwen2":
                    Assert.Equal(["1", "2", "3", "4", "5"], digits);
                    break;
                default:
                    Assert.Equal(["123", "4", "5"], digits); // GPT-2 keeps the digit run; merges build "123".
                    Assert.Equal(3, gguf.Encode("xyz", false).Length);
                    break;
            }

            // Control tokens are special; decoding can drop them.
            var special = json.AddedTokens.First(t => t.Special).Content;
            Assert.Equal("hello", gguf.Decode(gguf.Encode(special + "hello", false), skipSpecialTokens: true));
            Assert.Equal(special + "hello", gguf.Decode(gguf.Encode(special + "hello", false), skipSpecialTokens: false));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ChatTemplateWithAnUnsupportedConstruct_FailsTheLoadNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"suite-tokenizer-{Environment.ProcessId}-badtemplate.gguf");
        try
        {
            GgufTestWriter.WriteTokenizerOnly(path, SyntheticTokenizers.Qwen(), "qwen2", addBos: false, "{% for m in messages %}{% include 'turn.jinja' %}{% endfor %}");
            var error = Assert.Throws<ChatTemplateNotSupportedException>(() => TokenizerLoader.FromGguf(path));
            Assert.Contains("{% include %}", error.Message, StringComparison.Ordinal);
            Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnsupportedTokenizerModelIsNamed()
    {
        var gguf = new GgufFile(3, new Dictionary<string, object> { ["tokenizer.ggml.model"] = "bert" }, []);
        var error = Assert.Throws<NotSupportedException>(() => TokenizerLoader.FromGguf(gguf));
        Assert.Contains("'bert'", error.Message);

        var noPre = new GgufFile(3, new Dictionary<string, object> { ["tokenizer.ggml.model"] = "gpt2" }, []);
        Assert.Contains("tokenizer.ggml.pre", Assert.Throws<NotSupportedException>(() => TokenizerLoader.FromGguf(noPre)).Message);
    }
}

using System.Text;
using Suite.Tokenizer.Core;
using Suite.Tokenizer.Core.Bpe;

namespace Suite.Tokenizer.Tests;

/// <summary>Every corpus document must encode, render and decode exactly as the JavaScript reference does.</summary>
public sealed class DeepSeekReferenceTests
{
    private readonly ITestOutputHelper _output;

    public DeepSeekReferenceTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void EveryCorpusDocumentEncodesExactlyAsTheReference()
    {
        var corpus = ReferenceCorpus.Instance;
        var tokenizer = DeepSeek.EcmaScript;
        var failures = new List<string>();
        long chars = 0;
        long tokens = 0;
        foreach (var (text, expected) in corpus.Texts)
        {
            var actual = tokenizer.Encode(text, addSpecialTokens: false);
            chars += text.Length;
            tokens += expected.Length;
            if (!actual.AsSpan().SequenceEqual(expected))
            {
                failures.Add(Describe(tokenizer, text, expected, actual));
            }
        }

        _output.WriteLine($"{corpus.Texts.Count} documents, {chars:N0} chars, {tokens:N0} reference tokens, {failures.Count} mismatches");
        Assert.True(
            failures.Count == 0,
            $"{failures.Count} of {corpus.Texts.Count} documents differ from the reference. First ones:\n" + string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public void DecodeOfEncodeGivesBackEveryCorpusDocument()
    {
        var corpus = ReferenceCorpus.Instance;
        var tokenizer = DeepSeek.HuggingFace;
        var failures = corpus.Texts
            .Where(t => tokenizer.Decode(tokenizer.Encode(t.Text, addSpecialTokens: false), skipSpecialTokens: false) != t.Text)
            .Select(t => Escape(t.Text))
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} documents do not round-trip, e.g. {string.Join(" | ", failures.Take(5))}");
    }

    [Fact]
    public void HuggingFaceFlavourDiffersFromTheReferenceOnlyOnBomAndNel()
    {
        // The default (Rust regex) semantics may only disagree with the JavaScript reference where the two regex
        // engines disagree about \s: documents containing U+FEFF or U+0085.
        var corpus = ReferenceCorpus.Instance;
        var tokenizer = DeepSeek.HuggingFace;
        var unexpected = corpus.Texts
            .Where(t => !t.Text.Contains('\uFEFF') && !t.Text.Contains('\u0085'))
            .Where(t => !tokenizer.Encode(t.Text, addSpecialTokens: false).AsSpan().SequenceEqual(t.Ids))
            .Select(t => Describe(tokenizer, t.Text, t.Ids, tokenizer.Encode(t.Text, false)))
            .ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Take(5)));
    }

    [Fact]
    public void ChatTemplateRendersAndTokenizesExactlyAsTheReference()
    {
        var corpus = ReferenceCorpus.Instance;
        var tokenizer = DeepSeek.EcmaScript;
        var template = tokenizer.ChatTemplate;
        Assert.NotNull(template);
        Assert.Equal("deepseek-v3", template.Name);
        Assert.NotEmpty(corpus.Chats);
        foreach (var chat in corpus.Chats)
        {
            var rendered = template.Render(chat.Messages, chat.AddGenerationPrompt);
            Assert.Equal(chat.Rendered, rendered);

            // apply_chat_template(tokenize: true) encodes the rendered text without adding special tokens.
            Assert.Equal(chat.Ids, tokenizer.Encode(rendered, addSpecialTokens: false));
        }

        _output.WriteLine($"{corpus.Chats.Count} conversations match");
    }

    [Fact]
    public void GgufMetadataGivesTheSameTokenizerAsTokenizerJson()
    {
        var corpus = ReferenceCorpus.Instance;
        var json = DeepSeek.EcmaScript;
        var path = Path.Combine(Path.GetTempPath(), $"suite-tokenizer-{Environment.ProcessId}-deepseek.gguf");
        try
        {
            GgufTestWriter.WriteTokenizerOnly(path, json, "deepseek-v3", addBos: true);
            var gguf = Core.Loading.TokenizerLoader.FromGguf(path, RegexFlavor.EcmaScript);
            Assert.Equal(json.VocabularySize, gguf.VocabularySize);
            Assert.Equal("deepseek-v3", gguf.ChatTemplate?.Name);
            Assert.Equal([0], gguf.PrefixTokens);
            var failures = corpus.Texts.Where(t => !gguf.Encode(t.Text, false).AsSpan().SequenceEqual(t.Ids)).Select(t => Escape(t.Text)).ToList();
            Assert.True(failures.Count == 0, $"{failures.Count} differ, e.g. {string.Join(" | ", failures.Take(5))}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var rune in text.Length > 160 ? text[..160].EnumerateRunes() : text.EnumerateRunes())
        {
            builder.Append(rune.Value is >= 0x20 and < 0x7F ? rune.ToString() : $"\\u{{{rune.Value:X}}}");
        }

        return builder.ToString();
    }

    private static string Describe(BpeTokenizer tokenizer, string text, int[] expected, int[] actual)
    {
        var first = 0;
        while (first < expected.Length && first < actual.Length && expected[first] == actual[first])
        {
            first++;
        }

        string Show(int[] ids) => string.Join(" ", ids.Skip(Math.Max(0, first - 2)).Take(6)
            .Select(id => $"{id}:{Escape(tokenizer.Decode([id], false))}"));
        return $"text \"{Escape(text)}\" (len {text.Length}): first difference at token {first}; expected [{Show(expected)}] actual [{Show(actual)}]";
    }
}

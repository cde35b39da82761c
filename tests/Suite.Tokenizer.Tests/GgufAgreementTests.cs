using System.Text;
using Suite.Models.Catalog;
using Suite.Models.Generation;
using Suite.Models.Gguf;
using Suite.Tokenizer.Core.Loading;
using Suite.Tokenizer.Core.Normalization;
using Suite.Tokenizer.LlamaCpp;

namespace Suite.Tokenizer.Tests;

/// <summary>
/// A GGUF generated with each family's vocabulary (what <c>SUITE_TOKENIZER</c> does): the C# tokenizer loaded from its
/// metadata, llama.cpp's own tokenizer (through LLamaSharp, vocabulary-only) and Hugging Face tokenizers, on the corpus.
/// The suite follows Hugging Face, whose ids the models were trained on. llama.cpp differs in two ways: it applies no
/// normalizer (Qwen's tokenizer applies NFC), and its Unicode tables are older than Unicode 16, so it classifies
/// characters added since (Egyptian Hieroglyphs Extended-A, Garay, Tulu-Tigalari...) differently. Both are listed.
/// </summary>
public sealed class GgufAgreementTests(ITestOutputHelper output)
{
    private static readonly SmokeModelSpec _spec = new() { EmbeddingLength = 32, HeadCount = 4, HeadCountKv = 2, FeedForwardLength = 64, LayerCount = 1, WeightType = GgmlType.Q8_0 };

    [Theory]
    [MemberData(nameof(Families.Names), MemberType = typeof(Families))]
    public void Gguf_WithTheFamilysVocabulary_TokenizesLikeHuggingFace_AndLlamaCppDiffersOnlyWhereItsTablesDo(string family)
    {
        ReferenceEnvironment.RequireReference();
        var cache = Environment.GetEnvironmentVariable("SUITE_TEST_MODEL_CACHE") is { Length: > 0 } configured ? configured : Path.Combine(Path.GetTempPath(), "suite-test-models");
        var path = ModelCatalog.EnsureGenerated(_spec, HuggingFaceVocabulary.Load(ReferenceEnvironment.TokenizerJson(family)), cache);
        var gguf = GgufReader.Read(path);
        var csharp = TokenizerLoader.FromGgufMetadata(gguf);
        using var llama = LlamaCppTokenizer.Load(path, gguf);
        var texts = ReferenceData.Texts;
        var reference = ReferenceData.Family(family);
        var nfc = family == "qwen3" ? new UnicodeNormalizer(NormalizationForm.FormC) : null;
        var ours = new List<string>();
        var unnormalized = new List<string>();
        var other = new List<string>();
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = reference.Ids[i];
            var actual = csharp.Encode(texts[i], addSpecialTokens: false);
            if (!actual.AsSpan().SequenceEqual(expected))
            {
                ours.Add(TextEscaping.DescribeDifference(id => csharp.Decode([id], false), texts[i], expected, actual));
            }

            var theirs = llama.Encode(texts[i], addSpecialTokens: false);
            if (!theirs.AsSpan().SequenceEqual(expected))
            {
                (nfc is not null && nfc.Normalize(texts[i]) != texts[i] ? unnormalized : other)
                    .Add(TextEscaping.DescribeDifference(id => csharp.Decode([id], false), texts[i], expected, theirs));
            }
        }

        output.WriteLine($"{family}: {texts.Count} documents. The suite (from the GGUF) differs from Hugging Face on {ours.Count}. " +
            $"llama.cpp differs on {unnormalized.Count + other.Count}: {unnormalized.Count} not in NFC, {other.Count} others.");
        foreach (var line in other.Take(20))
        {
            output.WriteLine("  llama.cpp: " + line);
        }

        Assert.True(ours.Count == 0, $"{ours.Count} documents differ from Hugging Face:\n" + string.Join("\n", ours.Take(10)));

        // On text already in normal form, llama.cpp and Hugging Face disagree only around the few characters its
        // tables lack: at most 0.5% of this corpus, which draws thousands of characters from every category.
        Assert.True(other.Count <= texts.Count / 200, $"llama.cpp differs from Hugging Face on {other.Count} documents:\n" + string.Join("\n", other.Take(10)));
    }
}

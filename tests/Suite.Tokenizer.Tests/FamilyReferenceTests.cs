using System.Text;

namespace Suite.Tokenizer.Tests;

/// <summary>
/// Every claimed family's tokenizer against Hugging Face tokenizers (the Rust implementation the models' own stacks,
/// vLLM, SGLang and TGI use), on the whole corpus: ids, ids with special tokens, and decoding with and without them.
/// </summary>
public sealed class FamilyReferenceTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Families.Names), MemberType = typeof(Families))]
    public void Encode_EveryCorpusDocument_MatchesHuggingFaceTokenizers(string family)
    {
        var tokenizer = Families.Tokenizer(family);
        var texts = ReferenceData.Texts;
        var reference = ReferenceData.Family(family);
        var failures = new List<string>();
        long tokens = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var actual = tokenizer.Encode(texts[i], addSpecialTokens: false);
            tokens += reference.Ids[i].Length;
            if (!actual.AsSpan().SequenceEqual(reference.Ids[i]))
            {
                failures.Add(TextEscaping.DescribeDifference(id => tokenizer.Decode([id], false), texts[i], reference.Ids[i], actual));
            }
        }

        var bytes = texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
        output.WriteLine($"{family}: {texts.Count:N0} documents, {bytes:N0} bytes, {tokens:N0} reference tokens, {failures.Count} differ");
        Assert.True(failures.Count == 0, $"{failures.Count} of {texts.Count} documents differ from Hugging Face. First ones:\n" + string.Join("\n", failures.Take(10)));
    }

    [Theory]
    [MemberData(nameof(Families.Names), MemberType = typeof(Families))]
    public void Encode_WithSpecialTokens_AddsWhatTheModelAdds(string family)
    {
        var tokenizer = Families.Tokenizer(family);
        var texts = ReferenceData.Texts;
        var reference = ReferenceData.Family(family);
        for (var i = 0; i < reference.IdsWithSpecialTokens.Length; i++)
        {
            var expected = reference.IdsWithSpecialTokens[i];

            // DeepSeek V3's tokenizer.json has no post-processor that adds BOS; transformers' LlamaTokenizerFast adds
            // one because tokenizer_config.json says add_bos_token, and so does the suite.
            if (family == "deepseek_v3")
            {
                expected = [0, .. expected];
            }

            Assert.True(expected.AsSpan().SequenceEqual(tokenizer.Encode(texts[i], addSpecialTokens: true)), TextEscaping.Escape(texts[i]));
        }
    }

    [Theory]
    [MemberData(nameof(Families.Names), MemberType = typeof(Families))]
    public void Decode_WithAndWithoutSpecialTokens_MatchesHuggingFaceTokenizers(string family)
    {
        var tokenizer = Families.Tokenizer(family);
        var reference = ReferenceData.Family(family);
        var failures = new List<string>();
        for (var i = 0; i < reference.Ids.Length; i++)
        {
            var kept = tokenizer.Decode(reference.Ids[i], skipSpecialTokens: false);
            var skipped = tokenizer.Decode(reference.Ids[i], skipSpecialTokens: true);
            if (kept != reference.Decoded[i] || skipped != reference.DecodedSkippingSpecialTokens[i])
            {
                failures.Add($"document {i}: expected \"{TextEscaping.Escape(reference.Decoded[i])}\" / \"{TextEscaping.Escape(reference.DecodedSkippingSpecialTokens[i])}\", got \"{TextEscaping.Escape(kept)}\" / \"{TextEscaping.Escape(skipped)}\"");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} decodings differ:\n" + string.Join("\n", failures.Take(10)));
    }

    [Theory]
    [MemberData(nameof(Families.Names), MemberType = typeof(Families))]
    public void Decode_RandomIdSequences_MatchesHuggingFaceTokenizers(string family)
    {
        // Random ids cut characters mid-UTF-8, mix byte-fallback tokens with others and put special tokens anywhere.
        var tokenizer = Families.Tokenizer(family);
        var failures = ReferenceData.Family(family).RandomDecodes
            .Where(r => tokenizer.Decode(r.Ids, false) != r.Text || tokenizer.Decode(r.Ids, true) != r.TextSkippingSpecialTokens)
            .Select(r => $"[{string.Join(",", r.Ids)}]: expected \"{TextEscaping.Escape(r.Text)}\", got \"{TextEscaping.Escape(tokenizer.Decode(r.Ids, false))}\"")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} decodings differ:\n" + string.Join("\n", failures.Take(10)));
    }
}

using System.Text;
using System.Text.Json;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Decoding;
using Suite.Tokenizer.Core.Normalization;

namespace Suite.Tokenizer.Core.Loading;

/// <summary>
/// Builds the normalizer, pre-tokenizer and decoder from their tokenizer.json objects. Anything this tokenizer does
/// not implement exactly is refused with a <see cref="NotSupportedException"/> naming the feature, never approximated.
/// </summary>
public static class PipelineReader
{
    /// <summary>The pipeline of a tokenizer.json's <c>normalizer</c>, <c>pre_tokenizer</c> and <c>decoder</c> (JSON text; "null" for none).</summary>
    public static TokenizerPipeline Read(string normalizerJson, string preTokenizerJson, string decoderJson)
    {
        using var normalizer = JsonDocument.Parse(normalizerJson);
        using var pre = JsonDocument.Parse(preTokenizerJson);
        using var decoder = JsonDocument.Parse(decoderJson);
        var steps = new List<(string, SplitBehavior)>();
        var addPrefixSpace = false;
        if (pre.RootElement.ValueKind == JsonValueKind.Object)
        {
            ReadPreTokenizer(pre.RootElement, steps, ref addPrefixSpace);
        }

        var decoderSteps = new List<DecoderStep>();
        if (decoder.RootElement.ValueKind == JsonValueKind.Object)
        {
            ReadDecoder(decoder.RootElement, decoderSteps);
        }

        return new TokenizerPipeline(
            ReadNormalizer(normalizer.RootElement),
            new PreTokenizer(steps, addPrefixSpace),
            new TokenDecoder(decoderSteps),
            normalizerJson,
            preTokenizerJson,
            decoderJson);
    }

    /// <summary>Whether a pre-tokenizer object includes ByteLevel: then the BPE model works on GPT-2 byte characters.</summary>
    public static bool IsByteLevel(JsonElement preTokenizer)
    {
        if (preTokenizer.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var type = preTokenizer.GetProperty("type").GetString();
        return type == "ByteLevel"
            || (type == "Sequence" && preTokenizer.GetProperty("pretokenizers").EnumerateArray().Any(IsByteLevel));
    }

    private static ITextNormalizer? ReadNormalizer(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = element.GetProperty("type").GetString();
        switch (type)
        {
            case "NFC": return new UnicodeNormalizer(NormalizationForm.FormC);
            case "NFD": return new UnicodeNormalizer(NormalizationForm.FormD);
            case "NFKC": return new UnicodeNormalizer(NormalizationForm.FormKC);
            case "NFKD": return new UnicodeNormalizer(NormalizationForm.FormKD);
            case "Prepend": return new PrependNormalizer(element.GetProperty("prepend").GetString()!);
            case "Replace":
                return new ReplaceNormalizer(StringPattern(element, "Replace normalizer"), element.GetProperty("content").GetString()!);
            case "Sequence":
                var steps = element.GetProperty("normalizers").EnumerateArray().Select(ReadNormalizer).OfType<ITextNormalizer>().ToList();
                return steps.Count switch
                {
                    0 => null,
                    1 => steps[0],
                    _ => new SequenceNormalizer(steps),
                };
            default:
                throw new NotSupportedException($"tokenizer.json normalizer '{type}' is not supported (NFC, NFD, NFKC, NFKD, Prepend, Replace and Sequence are).");
        }
    }

    private static void ReadPreTokenizer(JsonElement element, List<(string, SplitBehavior)> steps, ref bool addPrefixSpace)
    {
        var type = element.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in element.GetProperty("pretokenizers").EnumerateArray())
                {
                    ReadPreTokenizer(inner, steps, ref addPrefixSpace);
                }

                break;
            case "Split":
                if (element.TryGetProperty("invert", out var invert) && invert.ValueKind == JsonValueKind.True)
                {
                    throw new NotSupportedException("tokenizer.json Split pre-tokenizer with invert=true is not supported.");
                }

                var patternElement = element.GetProperty("pattern");
                var pattern = patternElement.TryGetProperty("Regex", out var regex)
                    ? regex.GetString()!
                    : System.Text.RegularExpressions.Regex.Escape(patternElement.GetProperty("String").GetString()!);
                var behavior = element.GetProperty("behavior").GetString() switch
                {
                    "Isolated" => SplitBehavior.Isolated,
                    "Removed" => SplitBehavior.Removed,
                    "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
                    "MergedWithNext" => SplitBehavior.MergedWithNext,
                    "Contiguous" => SplitBehavior.Contiguous,
                    var other => throw new NotSupportedException($"tokenizer.json Split behavior '{other}' is not supported."),
                };
                steps.Add((pattern, behavior));
                break;
            case "Digits":
                var individual = element.TryGetProperty("individual_digits", out var ind) && ind.ValueKind == JsonValueKind.True;
                steps.Add((individual ? @"\p{N}" : @"\p{N}+", SplitBehavior.Isolated));
                break;
            case "ByteLevel":
                if (element.TryGetProperty("add_prefix_space", out var aps) && aps.ValueKind == JsonValueKind.True)
                {
                    if (steps.Count > 0)
                    {
                        throw new NotSupportedException("tokenizer.json ByteLevel add_prefix_space after other pre-tokenizers is not supported.");
                    }

                    addPrefixSpace = true;
                }

                if (!element.TryGetProperty("use_regex", out var ur) || ur.ValueKind != JsonValueKind.False)
                {
                    steps.Add((PreTokenizerPatterns.Gpt2, SplitBehavior.Isolated));
                }

                break;
            default:
                throw new NotSupportedException($"tokenizer.json pre-tokenizer '{type}' is not supported (Sequence, Split, Digits and ByteLevel are).");
        }
    }

    private static void ReadDecoder(JsonElement element, List<DecoderStep> steps)
    {
        var type = element.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in element.GetProperty("decoders").EnumerateArray())
                {
                    ReadDecoder(inner, steps);
                }

                break;
            case "ByteLevel":
                steps.Add(new DecoderStep(DecoderKind.ByteLevel));
                break;
            case "Replace":
                steps.Add(new DecoderStep(DecoderKind.Replace, StringPattern(element, "Replace decoder"), element.GetProperty("content").GetString()!));
                break;
            case "ByteFallback":
                steps.Add(new DecoderStep(DecoderKind.ByteFallback));
                break;
            case "Fuse":
                steps.Add(new DecoderStep(DecoderKind.Fuse));
                break;
            case "Strip":
                var content = element.GetProperty("content").GetString()!;
                if (content.Length != 1)
                {
                    throw new NotSupportedException($"tokenizer.json Strip decoder with content '{content}' is not supported (one character is).");
                }

                steps.Add(new DecoderStep(DecoderKind.Strip, Content: content, Start: element.GetProperty("start").GetInt32(), Stop: element.GetProperty("stop").GetInt32()));
                break;
            default:
                throw new NotSupportedException($"tokenizer.json decoder '{type}' is not supported (ByteLevel, Replace, ByteFallback, Fuse, Strip and Sequence are).");
        }
    }

    private static string StringPattern(JsonElement element, string what)
    {
        var pattern = element.GetProperty("pattern");
        return pattern.TryGetProperty("String", out var text)
            ? text.GetString()!
            : throw new NotSupportedException($"tokenizer.json {what} with a regex pattern is not supported (a string pattern is).");
    }
}

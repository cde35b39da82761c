using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Normalization;

namespace Suite.Tokenizer.Tests;

/// <summary>
/// The Unicode tables the tokenizer depends on, checked against Hugging Face's own, code point by code point: the
/// regex classes of the pre-tokenizers (Oniguruma's Unicode version against .NET's) and the normalizers' gaps.
/// </summary>
public sealed class UnicodeAgreementTests
{
    [Fact]
    public void RegexClasses_MatchHuggingFacesRegexEngineOnEveryCodePoint()
    {
        ReferenceEnvironment.RequireReference();
        var path = Path.Combine(Path.GetTempPath(), $"suite-tokenizer-classes-{Environment.ProcessId}.json");
        try
        {
            ReferenceEnvironment.RunNode("character-classes.js", path);
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var failures = new List<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var expected = property.Value.EnumerateArray().Select(e => e.GetInt32()).ToHashSet();
                var regex = new Regex("^" + (property.Name == "s" ? @"\s" : $@"\p{{{property.Name}}}") + "$", RegexOptions.CultureInvariant);
                var actual = new HashSet<int>();
                for (var cp = 0; cp <= 0x10FFFF; cp++)
                {
                    if (cp is >= 0xD800 and <= 0xDFFF)
                    {
                        continue;
                    }

                    // Through the shadow, as the tokenizer matches: an astral character becomes one stand-in of its category.
                    if (regex.IsMatch(RegexShadow.Build(char.ConvertFromUtf32(cp), out _)))
                    {
                        actual.Add(cp);
                    }
                }

                var missing = expected.Except(actual).Order().Take(10).Select(x => x.ToString("X4", CultureInfo.InvariantCulture));
                var extra = actual.Except(expected).Order().Take(10).Select(x => x.ToString("X4", CultureInfo.InvariantCulture));
                if (!expected.SetEquals(actual))
                {
                    failures.Add($"{property.Name}: Hugging Face only [{string.Join(" ", missing)}], .NET only [{string.Join(" ", extra)}]");
                }
            }

            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NormalizationGaps_AreExactlyWhatHuggingFacesNormalizersDoNotKnow()
    {
        ReferenceEnvironment.RequireReference();
        var expected = ReferenceEnvironment.RunNode("normalization-table.js")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => int.Parse(line, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(expected, HuggingFaceUnicodeGaps.All());
    }

    [Fact]
    public void UnicodeNormalizer_LeavesCharactersHuggingFaceDoesNotKnowAsTheyAre()
    {
        // U+11D44 (Masaram Gondi, combining class 9) is reordered before U+06DB (class 230) by current Unicode; Hugging
        // Face's normalizer does not know it, so the text stays as it is (Qwen3's NFC).
        var nfc = new UnicodeNormalizer(System.Text.NormalizationForm.FormC);
        Assert.Equal("\u06DB\U00011D44", nfc.Normalize("\u06DB\U00011D44"));
        Assert.Equal("\u00E9x\U00011D44\u00E9", nfc.Normalize("e\u0301x\U00011D44e\u0301"));
        Assert.Equal("\u00E9", nfc.Normalize("e\u0301"));
    }
}

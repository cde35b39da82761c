using System.Globalization;
using System.Text;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// Makes .NET regexes classify characters the way Hugging Face's regex engine (Oniguruma) does; both use Unicode 16
/// character classes, which <c>PreTokenizerCharacterClassTests</c> checks code point by code point. .NET matches UTF-16
/// code units, so an astral character (emoji, U+1D400 mathematical letters, CJK extension B...) is two surrogates and <c>\p{L}</c>/<c>\p{S}</c>/<c>\p{N}</c> miss it. Instead of rewriting every
/// pattern, the text is mapped to a "shadow" where each astral code point becomes ONE BMP stand-in character of the same
/// Unicode general category (so quantifiers such as <c>\p{N}{1,3}</c> count code points, not code units), and the match
/// boundaries are mapped back to the original string. The stand-ins are chosen outside ASCII and outside the CJK/kana
/// ranges that some patterns name explicitly.
/// </summary>
public static class RegexShadow
{
    private static readonly char[] _standIns = BuildStandIns();

    /// <summary>
    /// Returns the text the regexes should run on. <paramref name="map"/> is null when that is the text itself;
    /// otherwise <c>map[i]</c> is the index in <paramref name="text"/> of shadow character <c>i</c>
    /// (with <c>map[shadow.Length] == text.Length</c>).
    /// </summary>
    public static string Build(string text, out int[]? map)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            map = null;
            return text;
        }

        var shadow = new StringBuilder(text.Length);
        var indices = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            indices.Add(i);
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[i + 1]));
                shadow.Append(_standIns[(int)category]);
                i++;
            }
            else
            {
                // The tokenizer replaces lone surrogates before it gets here; any other one stays itself (Cs).
                shadow.Append(c);
            }
        }

        indices.Add(text.Length);
        map = indices.ToArray();
        return shadow.ToString();
    }

    private static char[] BuildStandIns()
    {
        var table = new char[30];
        table[(int)UnicodeCategory.UppercaseLetter] = '\u00C0';
        table[(int)UnicodeCategory.LowercaseLetter] = '\u00E0';
        table[(int)UnicodeCategory.TitlecaseLetter] = '\u01C5';
        table[(int)UnicodeCategory.ModifierLetter] = '\u02B0';
        table[(int)UnicodeCategory.OtherLetter] = '\u01BB';
        table[(int)UnicodeCategory.NonSpacingMark] = '\u0300';
        table[(int)UnicodeCategory.SpacingCombiningMark] = '\u0903';
        table[(int)UnicodeCategory.EnclosingMark] = '\u0488';
        table[(int)UnicodeCategory.DecimalDigitNumber] = '\u0660';
        table[(int)UnicodeCategory.LetterNumber] = '\u16EE';
        table[(int)UnicodeCategory.OtherNumber] = '\u00B2';
        table[(int)UnicodeCategory.SpaceSeparator] = '\u2000';
        table[(int)UnicodeCategory.LineSeparator] = '\u2028';
        table[(int)UnicodeCategory.ParagraphSeparator] = '\u2029';
        table[(int)UnicodeCategory.Control] = '\u0001';
        table[(int)UnicodeCategory.Format] = '\u00AD';
        table[(int)UnicodeCategory.Surrogate] = '\uD800';
        table[(int)UnicodeCategory.PrivateUse] = '\uE000';
        table[(int)UnicodeCategory.ConnectorPunctuation] = '\u203F';
        table[(int)UnicodeCategory.DashPunctuation] = '\u2010';
        table[(int)UnicodeCategory.OpenPunctuation] = '\u2045';
        table[(int)UnicodeCategory.ClosePunctuation] = '\u2046';
        table[(int)UnicodeCategory.InitialQuotePunctuation] = '\u00AB';
        table[(int)UnicodeCategory.FinalQuotePunctuation] = '\u00BB';
        table[(int)UnicodeCategory.OtherPunctuation] = '\u00A1';
        table[(int)UnicodeCategory.MathSymbol] = '\u00AC';
        table[(int)UnicodeCategory.CurrencySymbol] = '\u00A2';
        table[(int)UnicodeCategory.ModifierSymbol] = '\u00B4';
        table[(int)UnicodeCategory.OtherSymbol] = '\u00A6';
        table[(int)UnicodeCategory.OtherNotAssigned] = '\u0378';
        return table;
    }
}

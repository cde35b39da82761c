using System.Text;

namespace Suite.Tokenizer.Core.Normalization;

/// <summary>
/// Hugging Face <c>NFC</c>/<c>NFD</c>/<c>NFKC</c>/<c>NFKD</c>, exactly. Its normalizers carry older Unicode tables
/// than this machine's ICU, which .NET normalizes with; normalization stability means the two agree on every
/// character both know, so the characters only ICU knows (<see cref="HuggingFaceUnicodeGaps"/>) are kept out of
/// ICU's reach: the text is normalized piece by piece between them and they are copied unchanged, which is what an
/// unassigned character (class 0, no decomposition, no composition) gets from Hugging Face.
/// </summary>
public sealed class UnicodeNormalizer(NormalizationForm form) : ITextNormalizer
{
    public NormalizationForm Form { get; } = form;

    public string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return text;
        }

        // Lone surrogates make string.Normalize throw; they become U+FFFD as in any UTF-8 conversion (the tokenizer has
        // already done this; other callers may not have).
        text = Bpe.TextSanitizer.ReplaceLoneSurrogates(text);
        var gap = HuggingFaceUnicodeGaps.IndexOfFirst(text, 0);
        if (gap < 0)
        {
            return text.IsNormalized(Form) ? text : text.Normalize(Form);
        }

        var result = new StringBuilder(text.Length);
        var start = 0;
        while (gap >= 0)
        {
            AppendNormalized(result, text, start, gap - start);
            var width = char.IsHighSurrogate(text[gap]) ? 2 : 1;
            result.Append(text, gap, width);
            start = gap + width;
            gap = HuggingFaceUnicodeGaps.IndexOfFirst(text, start);
        }

        AppendNormalized(result, text, start, text.Length - start);
        return result.ToString();
    }

    private void AppendNormalized(StringBuilder result, string text, int start, int length)
    {
        if (length > 0)
        {
            result.Append(text.Substring(start, length).Normalize(Form));
        }
    }
}

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>Text fix-ups every tokenizer applies before encoding.</summary>
public static class TextSanitizer
{
    /// <summary>Replaces each unpaired surrogate with U+FFFD (what a UTF-8 conversion does); returns the text itself when there is none.</summary>
    public static string ReplaceLoneSurrogates(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0)
        {
            return text;
        }

        char[]? chars = null;
        for (var i = first; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                chars ??= text.ToCharArray();
                chars[i] = '\uFFFD';
            }
        }

        return chars is null ? text : new string(chars);
    }
}

using System.Text;

namespace Suite.Tokenizer.Tests;

/// <summary>Readable failure messages: non-ASCII and control characters as \u{...}.</summary>
internal static class TextEscaping
{
    public static string Escape(string text, int max = 160)
    {
        var builder = new StringBuilder();
        foreach (var rune in (text.Length > max ? text[..max] : text).EnumerateRunes())
        {
            builder.Append(rune.Value is >= 0x20 and < 0x7F ? rune.ToString() : $"\\u{{{rune.Value:X}}}");
        }

        return builder.ToString();
    }

    /// <summary>Where two id sequences first differ, with a few ids around it and what they decode to.</summary>
    public static string DescribeDifference(Func<int, string> decode, string text, int[] expected, int[] actual)
    {
        var first = 0;
        while (first < expected.Length && first < actual.Length && expected[first] == actual[first])
        {
            first++;
        }

        string Show(int[] ids) => string.Join(" ", ids.Skip(Math.Max(0, first - 2)).Take(6).Select(id => $"{id}:{Escape(decode(id), 20)}"));
        return $"\"{Escape(text)}\" (length {text.Length}): first difference at token {first}; expected [{Show(expected)}] actual [{Show(actual)}]";
    }
}

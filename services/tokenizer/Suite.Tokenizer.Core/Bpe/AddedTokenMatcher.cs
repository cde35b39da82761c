using System.Buffers;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// Finds added-token strings in text, leftmost first and, at one position, longest first (Hugging Face uses a
/// leftmost-longest Aho-Corasick automaton; a first-character index gives the same answer for these small sets).
/// </summary>
public sealed class AddedTokenMatcher
{
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;
    private readonly SearchValues<char> _firstChars;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _byFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ThenBy(t => t.Id).ToArray());
        _firstChars = SearchValues.Create(_byFirstChar.Keys.ToArray());
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>Finds the next added token at or after <paramref name="start"/>; returns false when there is none.</summary>
    public bool TryFindNext(string text, int start, out int index, out AddedToken token)
    {
        var position = start;
        while (position < text.Length)
        {
            var offset = text.AsSpan(position).IndexOfAny(_firstChars);
            if (offset < 0)
            {
                break;
            }

            position += offset;
            foreach (var candidate in _byFirstChar[text[position]])
            {
                if (text.AsSpan(position).StartsWith(candidate.Content, StringComparison.Ordinal))
                {
                    index = position;
                    token = candidate;
                    return true;
                }
            }

            position++;
        }

        index = -1;
        token = null!;
        return false;
    }
}

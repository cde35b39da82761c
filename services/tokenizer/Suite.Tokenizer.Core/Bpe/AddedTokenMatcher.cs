using System.Buffers;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// Finds added-token strings in text, leftmost first and, at one position, longest first: Hugging Face's
/// leftmost-longest Aho-Corasick semantics, with a character trie walked from each candidate position (Gemma 3 has
/// 6,400 added tokens, most starting with '&lt;', so comparing them one by one would cost thousands of comparisons per '&lt;').
/// </summary>
public sealed class AddedTokenMatcher
{
    private readonly Node _root = new();
    private readonly SearchValues<char> _firstChars;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var first = new HashSet<char>();
        foreach (var token in tokens)
        {
            if (token.Content.Length == 0)
            {
                continue;
            }

            first.Add(token.Content[0]);
            var node = _root;
            foreach (var c in token.Content)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child))
                {
                    child = new Node();
                    node.Children[c] = child;
                }

                node = child;
            }

            // Two added tokens with the same content: the first one listed wins, as in Hugging Face's vocabulary.
            node.Token ??= token;
        }

        IsEmpty = first.Count == 0;
        _firstChars = SearchValues.Create(first.ToArray());
    }

    public bool IsEmpty { get; }

    /// <summary>Finds the next added token at or after <paramref name="start"/>; returns false when there is none.</summary>
    public bool TryFindNext(string text, int start, out int index, out AddedToken token)
    {
        ArgumentNullException.ThrowIfNull(text);
        var position = start;
        while (!IsEmpty && position < text.Length)
        {
            var offset = text.AsSpan(position).IndexOfAny(_firstChars);
            if (offset < 0)
            {
                break;
            }

            position += offset;
            AddedToken? longest = null;
            var node = _root;
            for (var i = position; i < text.Length && node.Children is not null && node.Children.TryGetValue(text[i], out var next); i++)
            {
                node = next;
                longest = node.Token ?? longest;
            }

            if (longest is not null)
            {
                index = position;
                token = longest;
                return true;
            }

            position++;
        }

        index = -1;
        token = null!;
        return false;
    }

    private sealed class Node
    {
        public Dictionary<char, Node>? Children { get; set; }

        public AddedToken? Token { get; set; }
    }
}

using System.Text.RegularExpressions;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// A sequence of Hugging Face <c>Split</c> steps: each regex runs over every piece the previous steps produced, and
/// (with <see cref="SplitBehavior.Isolated"/>) both its matches and the unmatched text between them become pieces.
/// Each piece is matched as a string of its own, so lookaheads such as <c>\s+(?!\S)</c> see the piece's end.
/// </summary>
public sealed class PreTokenizer
{
    private readonly Regex[] _regexes;
    private readonly SplitBehavior[] _behaviors;

    public PreTokenizer(IReadOnlyList<(string Pattern, SplitBehavior Behavior)> steps, bool addPrefixSpace, RegexFlavor flavor)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _regexes = new Regex[steps.Count];
        _behaviors = new SplitBehavior[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            // Compiled: these run over every byte of every prompt. CultureInvariant: (?i) must not depend on the
            // machine's culture (Turkish i).
            _regexes[i] = new Regex(steps[i].Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
            _behaviors[i] = steps[i].Behavior;
        }

        Patterns = steps.Select(s => s.Pattern).ToArray();
        Behaviors = _behaviors;
        AddPrefixSpace = addPrefixSpace;
        Flavor = flavor;
    }

    public IReadOnlyList<string> Patterns { get; }

    public IReadOnlyList<SplitBehavior> Behaviors { get; }

    /// <summary>ByteLevel's <c>add_prefix_space</c>: a space is put before text that does not start with one.</summary>
    public bool AddPrefixSpace { get; }

    public RegexFlavor Flavor { get; }

    /// <summary>Splits <paramref name="shadow"/> (see <see cref="RegexShadow"/>) into pieces, appended as (start, length).</summary>
    public void Split(string shadow, List<(int Start, int Length)> pieces, List<(int Start, int Length)> scratch)
    {
        pieces.Clear();
        if (shadow.Length == 0)
        {
            return;
        }

        pieces.Add((0, shadow.Length));
        for (var step = 0; step < _regexes.Length; step++)
        {
            var regex = _regexes[step];
            var keepMatches = _behaviors[step] == SplitBehavior.Isolated;
            scratch.Clear();
            foreach (var (start, length) in pieces)
            {
                var span = shadow.AsSpan(start, length);
                var last = 0;
                foreach (var match in regex.EnumerateMatches(span))
                {
                    if (match.Length == 0)
                    {
                        continue;
                    }

                    if (match.Index > last)
                    {
                        scratch.Add((start + last, match.Index - last));
                    }

                    if (keepMatches)
                    {
                        scratch.Add((start + match.Index, match.Length));
                    }

                    last = match.Index + match.Length;
                }

                if (last < length)
                {
                    scratch.Add((start + last, length - last));
                }
            }

            pieces.Clear();
            pieces.AddRange(scratch);
        }
    }
}

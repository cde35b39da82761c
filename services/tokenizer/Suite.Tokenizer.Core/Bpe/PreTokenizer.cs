using System.Text.RegularExpressions;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// A sequence of Hugging Face <c>Split</c> steps: each regex runs over every piece the previous steps produced, and
/// <see cref="SplitBehavior"/> says what becomes of its matches and the text between them. Each piece is matched as a
/// string of its own, so lookaheads such as <c>\s+(?!\S)</c> see the piece's end. Pieces are produced depth first and
/// lazily, in text order, so an encoder that learns the prompt is too long stops the regexes too.
/// </summary>
public sealed class PreTokenizer
{
    private readonly Regex[] _regexes;
    private readonly SplitBehavior[] _behaviors;

    public PreTokenizer(IReadOnlyList<(string Pattern, SplitBehavior Behavior)> steps, bool addPrefixSpace)
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
    }

    public IReadOnlyList<string> Patterns { get; }

    public IReadOnlyList<SplitBehavior> Behaviors { get; }

    /// <summary>ByteLevel's <c>add_prefix_space</c>: a space is put before text that does not start with one.</summary>
    public bool AddPrefixSpace { get; }

    /// <summary>Splits <paramref name="shadow"/> (see <see cref="RegexShadow"/>); false when the sink stopped it.</summary>
    public bool Split<TSink>(string shadow, ref TSink sink)
        where TSink : struct, IPieceSink
    {
        ArgumentNullException.ThrowIfNull(shadow);
        return shadow.Length == 0 || Step(shadow, 0, 0, shadow.Length, ref sink);
    }

    /// <summary>Every piece as (start, length): for tests and tools.</summary>
    public List<(int Start, int Length)> Split(string shadow)
    {
        var sink = new CollectingSink([]);
        Split(shadow, ref sink);
        return sink.Pieces;
    }

    private bool Step<TSink>(string shadow, int step, int start, int length, ref TSink sink)
        where TSink : struct, IPieceSink
    {
        if (step == _regexes.Length)
        {
            return sink.Piece(start, length);
        }

        var merger = new Merger(_behaviors[step]);
        var last = 0;
        foreach (var match in _regexes[step].EnumerateMatches(shadow.AsSpan(start, length)))
        {
            if (match.Length == 0)
            {
                continue;
            }

            if (match.Index > last && !Emit(shadow, step, ref merger, start + last, match.Index - last, false, ref sink))
            {
                return false;
            }

            if (!Emit(shadow, step, ref merger, start + match.Index, match.Length, true, ref sink))
            {
                return false;
            }

            last = match.Index + match.Length;
        }

        if (last < length && !Emit(shadow, step, ref merger, start + last, length - last, false, ref sink))
        {
            return false;
        }

        return !merger.HasPending || Step(shadow, step + 1, merger.PendingStart, merger.PendingLength, ref sink);
    }

    /// <summary>Hands one segment to the behaviour; whatever it completes goes on to the next step.</summary>
    private bool Emit<TSink>(string shadow, int step, ref Merger merger, int start, int length, bool isMatch, ref TSink sink)
        where TSink : struct, IPieceSink
    {
        var (readyStart, readyLength, ready) = merger.Add(start, length, isMatch);
        return !ready || Step(shadow, step + 1, readyStart, readyLength, ref sink);
    }

    /// <summary>Hugging Face's split behaviours as a left-to-right state machine holding at most one pending piece.</summary>
    private struct Merger(SplitBehavior behavior)
    {
        private bool _pendingIsMatch;
        private bool _previousMatch;

        public bool HasPending { get; private set; }

        public int PendingStart { get; private set; }

        public int PendingLength { get; private set; }

        /// <summary>Takes the next segment; returns the piece it completes, if any.</summary>
        public (int Start, int Length, bool Ready) Add(int start, int length, bool isMatch)
        {
            switch (behavior)
            {
                case SplitBehavior.Isolated:
                    return (start, length, true);
                case SplitBehavior.Removed:
                    return (start, length, !isMatch);
                case SplitBehavior.MergedWithPrevious:
                {
                    // A match extends the piece before it, unless that piece is itself a match.
                    var extend = isMatch && !_previousMatch && HasPending;
                    _previousMatch = isMatch;
                    if (extend)
                    {
                        PendingLength = start + length - PendingStart;
                        return default;
                    }

                    return Replace(start, length, isMatch);
                }

                case SplitBehavior.MergedWithNext:
                {
                    // A match waits for the piece after it, unless that piece is a match too.
                    if (isMatch)
                    {
                        return Replace(start, length, isMatch);
                    }

                    if (HasPending && _pendingIsMatch)
                    {
                        var joined = (PendingStart, start + length - PendingStart, true);
                        HasPending = false;
                        return joined;
                    }

                    return (start, length, true);
                }

                default:
                {
                    // Contiguous: a run of matches is one piece.
                    if (isMatch && HasPending && _pendingIsMatch)
                    {
                        PendingLength = start + length - PendingStart;
                        return default;
                    }

                    if (isMatch)
                    {
                        return Replace(start, length, isMatch);
                    }

                    var flushed = Take();
                    if (flushed.Ready)
                    {
                        // The pending match goes first; this segment becomes pending so order is kept.
                        Set(start, length, false);
                        return flushed;
                    }

                    return (start, length, true);
                }
            }
        }

        private (int, int, bool) Replace(int start, int length, bool isMatch)
        {
            var previous = Take();
            Set(start, length, isMatch);
            return previous;
        }

        private (int Start, int Length, bool Ready) Take()
        {
            if (!HasPending)
            {
                return default;
            }

            HasPending = false;
            return (PendingStart, PendingLength, true);
        }

        private void Set(int start, int length, bool isMatch)
        {
            HasPending = true;
            PendingStart = start;
            PendingLength = length;
            _pendingIsMatch = isMatch;
        }
    }

    private struct CollectingSink(List<(int, int)> pieces) : IPieceSink
    {
        public List<(int Start, int Length)> Pieces { get; } = pieces;

        public readonly bool Piece(int start, int length)
        {
            Pieces.Add((start, length));
            return true;
        }
    }
}

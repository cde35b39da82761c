using System.Text;

namespace Suite.Tokenizer.Core.Bpe;

public sealed partial class BpeTokenizer
{
    public int[] Encode(string text, bool addSpecialTokens) => Encode(text, addSpecialTokens, int.MaxValue).Tokens;

    public BoundedEncoding Encode(string text, bool addSpecialTokens, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Hugging Face receives text as UTF-8, where a lone surrogate cannot exist: its bindings replace it with U+FFFD.
        text = TextSanitizer.ReplaceLoneSurrogates(text);
        var run = new Run(this, new List<int>(Math.Min(text.Length / 3, 1 << 20) + 4), maxTokens);
        var complete = (!addSpecialTokens || run.AddRange(_prefix))
            && EncodeText(text, ref run)
            && (!addSpecialTokens || run.AddRange(_suffix));
        run.State.Return();
        return new BoundedEncoding(run.Output.ToArray(), complete);
    }

    /// <summary>Cuts out the added tokens matched in the original text; the pieces between them are normalized.</summary>
    private bool EncodeText(string text, ref Run run)
    {
        var position = 0;
        while (_rawMatcher.TryFindNext(text, position, out var index, out var token))
        {
            if (!EncodeNormalized(text[position..index], ref run) || !run.Add(token.Id))
            {
                return false;
            }

            position = index + token.Content.Length;
        }

        return EncodeNormalized(position == 0 ? text : text[position..], ref run);
    }

    private bool EncodeNormalized(string segment, ref Run run)
    {
        if (segment.Length == 0)
        {
            return true;
        }

        if (_pipeline.Normalizer is not { } normalizer)
        {
            return EncodePlain(segment, ref run);
        }

        var normalized = normalizer.Normalize(segment);
        var position = 0;
        while (_normalizedMatcher.TryFindNext(normalized, position, out var index, out var token))
        {
            if (!EncodePlain(normalized[position..index], ref run) || !run.Add(token.Id))
            {
                return false;
            }

            position = index + token.Content.Length;
        }

        return EncodePlain(position == 0 ? normalized : normalized[position..], ref run);
    }

    private bool EncodePlain(string segment, ref Run run)
    {
        if (segment.Length == 0)
        {
            return true;
        }

        if (PreTokenizer.AddPrefixSpace && segment[0] != ' ')
        {
            segment = " " + segment;
        }

        var shadow = RegexShadow.Build(segment, out var map);
        var sink = new PieceEncoder(this, segment, map, run);
        var finished = PreTokenizer.Split(shadow, ref sink);
        run = sink.Run;
        return finished;
    }

    private void EncodePiece(ReadOnlySpan<char> piece, ref Run run)
    {
        if (!_model.Options.ByteLevel)
        {
            _model.EncodeWord(piece, run.Output);
            return;
        }

        // Encoding.UTF8 would turn a lone surrogate into EF BF BD (U+FFFD); there are none left here.
        var maxBytes = Encoding.UTF8.GetMaxByteCount(piece.Length);
        run.State.EnsureCapacity(maxBytes);
        var byteCount = Encoding.UTF8.GetBytes(piece, run.State.Bytes);
        var bytes = run.State.Bytes.AsSpan(0, byteCount);
        var spelled = run.State.Chars.AsSpan(0, byteCount);
        for (var i = 0; i < byteCount; i++)
        {
            spelled[i] = ByteLevelMap.ByteToChar(bytes[i]);
        }

        _model.EncodeWord(bytes, spelled, run.Output);
    }

    /// <summary>The output of one encode call and its token limit.</summary>
    private struct Run(BpeTokenizer tokenizer, List<int> output, int maxTokens)
    {
        public List<int> Output { get; } = output;

        public EncodeState State { get; } = new();

        public readonly bool Add(int id)
        {
            Output.Add(id);
            return Output.Count <= maxTokens;
        }

        public readonly bool AddRange(int[] ids)
        {
            Output.AddRange(ids);
            return Output.Count <= maxTokens;
        }

        /// <summary>Whether there is a limit to check (encoding for /tokenize has none).</summary>
        public readonly bool Limited => maxTokens != int.MaxValue;

        /// <summary>False when a word of <paramref name="utf8Bytes"/> bytes cannot fit even if every token were the longest.</summary>
        public readonly bool CanFit(int utf8Bytes)
        {
            if (tokenizer._model.FusesUnknownRuns)
            {
                return true;
            }

            var atLeast = (utf8Bytes + tokenizer._model.MaxTokenBytes - 1) / tokenizer._model.MaxTokenBytes;
            return Output.Count + (long)atLeast <= maxTokens;
        }

        public readonly bool WithinLimit => Output.Count <= maxTokens;
    }

    /// <summary>Encodes each pre-tokenized piece as the regexes produce it, and stops them once the limit is passed.</summary>
    private struct PieceEncoder(BpeTokenizer tokenizer, string segment, int[]? map, Run run) : IPieceSink
    {
        public Run Run = run;

        public bool Piece(int start, int length)
        {
            var from = map is null ? start : map[start];
            var to = map is null ? start + length : map[start + length];
            var piece = segment.AsSpan(from, to - from);
            if (Run.Limited && !Run.CanFit(Encoding.UTF8.GetByteCount(piece)))
            {
                return false;
            }

            tokenizer.EncodePiece(piece, ref Run);
            return Run.WithinLimit;
        }
    }
}

using System.Globalization;
using System.Text;
using Suite.Models.Generation;
using Suite.Models.Gguf;

namespace Suite.ModelWorker.Backends.Sim;

/// <summary>
/// A model's vocabulary read from a GGUF header alone (no weights, no native code), so hundreds of simulated workers
/// can share one instance. Token bytes follow llama.cpp's token-to-piece without special tokens: byte-level BPE
/// ("gpt2") strings are mapped back through GPT-2's byte-to-unicode table, SentencePiece ("llama") strings turn ▁ into
/// a space and &lt;0xNN&gt; into that byte; control, unknown and unused tokens are empty. End-of-generation tokens are the
/// header's eos/eot/eom ids plus the end-of-turn texts llama.cpp also treats as such.
/// </summary>
public sealed class SimulatedVocabulary : ITokenVocabulary
{
    // The token texts llama.cpp adds to its end-of-generation set when the vocabulary holds them.
    private static readonly HashSet<string> EndOfGenerationTexts = new(StringComparer.Ordinal)
    {
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>", "<|endoftext|>",
        "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>",
    };

    private readonly byte[] _bytes;
    private readonly int[] _offsets;
    private readonly bool[] _endOfGeneration;
    private readonly int[] _generatable;

    private SimulatedVocabulary(byte[] bytes, int[] offsets, bool[] endOfGeneration, int[] generatable)
    {
        _bytes = bytes;
        _offsets = offsets;
        _endOfGeneration = endOfGeneration;
        _generatable = generatable;
        EndOfGenerationTokens = [.. Enumerable.Range(0, endOfGeneration.Length).Where(i => endOfGeneration[i])];
    }

    public int Count => _endOfGeneration.Length;

    public IReadOnlyList<int> EndOfGenerationTokens { get; }

    /// <summary>The tokens the simulator may emit: normal tokens with a non-empty piece, never end-of-generation.</summary>
    public ReadOnlySpan<int> GeneratableTokens => _generatable;

    /// <summary>Reads the vocabulary from the header of the GGUF file at <paramref name="path"/>.</summary>
    public static SimulatedVocabulary FromGguf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file not found: {path}", path);
        }

        return FromGguf(GgufReader.Read(path), path);
    }

    /// <summary>Builds the vocabulary from an already read GGUF header.</summary>
    public static SimulatedVocabulary FromGguf(GgufFile file, string name = "GGUF")
    {
        ArgumentNullException.ThrowIfNull(file);
        var tokens = file.GetArray<string>("tokenizer.ggml.tokens")
            ?? throw new InvalidDataException($"{name} has no tokenizer.ggml.tokens; the simulator takes its vocabulary from there.");
        var types = file.GetArray<int>("tokenizer.ggml.token_type");
        var sentencePiece = file.GetString("tokenizer.ggml.model") == "llama";
        var byteOf = sentencePiece ? null : BuildUnicodeToByte();

        var endOfGeneration = new bool[tokens.Length];
        foreach (var key in new[] { "tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id" })
        {
            if (file.GetInteger(key) is { } id && id >= 0 && id < tokens.Length)
            {
                endOfGeneration[id] = true;
            }
        }

        var offsets = new int[tokens.Length + 1];
        var bytes = new List<byte>(tokens.Length * 6);
        var generatable = new List<int>(tokens.Length);
        for (var id = 0; id < tokens.Length; id++)
        {
            var type = types is not null && id < types.Length ? (TokenType)types[id] : TokenType.Normal;
            if (EndOfGenerationTexts.Contains(tokens[id]))
            {
                endOfGeneration[id] = true;
            }

            var start = bytes.Count;
            switch (type)
            {
                case TokenType.Normal:
                    AppendPiece(tokens[id], sentencePiece, byteOf, bytes);
                    break;
                case TokenType.UserDefined:
                    bytes.AddRange(Encoding.UTF8.GetBytes(tokens[id]));
                    break;
                case TokenType.Byte when sentencePiece && TryParseByteToken(tokens[id], out var value):
                    bytes.Add(value);
                    break;
                case TokenType.Byte:
                    AppendPiece(tokens[id], sentencePiece, byteOf, bytes);
                    break;
                default:
                    // Control, unknown and unused tokens print nothing, as llama.cpp does without special tokens.
                    break;
            }

            offsets[id + 1] = bytes.Count;
            if (type == TokenType.Normal && bytes.Count > start && !endOfGeneration[id])
            {
                generatable.Add(id);
            }
        }

        // An end-of-generation id may have been marked after the token was listed as generatable.
        var allowed = generatable.Where(id => !endOfGeneration[id]).ToArray();
        if (allowed.Length == 0)
        {
            throw new InvalidDataException($"{name} has no normal token with text; the simulator has nothing to emit.");
        }

        return new SimulatedVocabulary([.. bytes], offsets, endOfGeneration, allowed);
    }

    public ReadOnlySpan<byte> Piece(int token)
    {
        if ((uint)token >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token IDs are 0..{Count - 1}.");
        }

        return _bytes.AsSpan(_offsets[token], _offsets[token + 1] - _offsets[token]);
    }

    public bool IsEndOfGeneration(int token) => (uint)token < (uint)Count && _endOfGeneration[token];

    private static void AppendPiece(string text, bool sentencePiece, Dictionary<char, byte>? byteOf, List<byte> bytes)
    {
        if (sentencePiece)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(text.Replace('\u2581', ' ')));
            return;
        }

        foreach (var c in text)
        {
            if (byteOf!.TryGetValue(c, out var b))
            {
                bytes.Add(b);
            }
            else
            {
                // Not a byte-level character (a malformed vocabulary): keep its UTF-8 rather than dropping it.
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
    }

    private static bool TryParseByteToken(string text, out byte value)
    {
        value = 0;
        return text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>'
            && byte.TryParse(text.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
    }

    private static Dictionary<char, byte> BuildUnicodeToByte()
    {
        var map = new Dictionary<char, byte>(256);
        Span<byte> one = stackalloc byte[1];
        for (var b = 0; b < 256; b++)
        {
            one[0] = (byte)b;
            map[ByteLevelEncoding.Encode(one)[0]] = (byte)b;
        }

        return map;
    }
}

using LLama.Native;

namespace Suite.ModelWorker.Backends.LlamaCpp;

/// <summary>
/// Every token's output bytes (llama.cpp's token-to-piece with special=false, so control tokens are empty) and
/// end-of-generation flag, computed once so the hot path never calls into native code.
/// </summary>
public sealed class LlamaCppVocabulary : ITokenVocabulary
{
    private readonly byte[] _bytes;
    private readonly int[] _offsets;
    private readonly bool[] _endOfGeneration;

    public LlamaCppVocabulary(SafeLlamaModelHandle model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var vocab = model.Vocab;
        var count = vocab.Count;
        _offsets = new int[count + 1];
        _endOfGeneration = new bool[count];
        var bytes = new List<byte>(count * 8);
        var buffer = new byte[256];
        var eog = new List<int>();
        for (var id = 0; id < count; id++)
        {
            var token = (LLamaToken)id;
            var length = (int)model.TokenToSpan(token, buffer, 0, false);
            if (length > buffer.Length)
            {
                buffer = new byte[length];
                length = (int)model.TokenToSpan(token, buffer, 0, false);
            }

            bytes.AddRange(buffer.AsSpan(0, length));
            _offsets[id + 1] = bytes.Count;
            if (token.IsEndOfGeneration(vocab))
            {
                _endOfGeneration[id] = true;
                eog.Add(id);
            }
        }

        _bytes = [.. bytes];
        EndOfGenerationTokens = eog;
    }

    public int Count => _endOfGeneration.Length;

    public IReadOnlyList<int> EndOfGenerationTokens { get; }

    public ReadOnlySpan<byte> Piece(int token)
    {
        if ((uint)token >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token IDs are 0..{Count - 1}.");
        }

        return _bytes.AsSpan(_offsets[token], _offsets[token + 1] - _offsets[token]);
    }

    public bool IsEndOfGeneration(int token) => (uint)token < (uint)Count && _endOfGeneration[token];
}

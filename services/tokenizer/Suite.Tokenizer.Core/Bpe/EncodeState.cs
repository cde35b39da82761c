using System.Buffers;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>Per-call scratch buffers for <see cref="BpeTokenizer"/>'s encoding, so the tokenizer itself stays thread-safe.</summary>
internal sealed class EncodeState
{
    public byte[] Bytes { get; private set; } = ArrayPool<byte>.Shared.Rent(1024);

    public char[] Chars { get; private set; } = ArrayPool<char>.Shared.Rent(1024);

    public void EnsureCapacity(int bytes)
    {
        if (Bytes.Length < bytes)
        {
            ArrayPool<byte>.Shared.Return(Bytes);
            Bytes = ArrayPool<byte>.Shared.Rent(bytes);
        }

        if (Chars.Length < bytes)
        {
            ArrayPool<char>.Shared.Return(Chars);
            Chars = ArrayPool<char>.Shared.Rent(bytes);
        }
    }

    public void Return()
    {
        ArrayPool<byte>.Shared.Return(Bytes);
        ArrayPool<char>.Shared.Return(Chars);
        Bytes = [];
        Chars = [];
    }
}

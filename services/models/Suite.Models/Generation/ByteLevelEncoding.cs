using System.Text;

namespace Suite.Models.Generation;

/// <summary>
/// GPT-2's byte-to-unicode mapping: byte-level BPE vocabularies (GPT-2, Qwen2, DeepSeek V3, and llama.cpp's "gpt2"
/// tokenizer model) store each token's bytes as printable characters, one character per byte.
/// </summary>
public static class ByteLevelEncoding
{
    private static readonly char[] ByteToChar = BuildTable();

    /// <summary>The printable form of raw token bytes, as stored in <c>tokenizer.ggml.tokens</c>.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            builder.Append(ByteToChar[b]);
        }

        return builder.ToString();
    }

    private static char[] BuildTable()
    {
        // Printable Latin-1 bytes map to themselves; the rest take code points from 256 upwards, in byte order.
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }
}

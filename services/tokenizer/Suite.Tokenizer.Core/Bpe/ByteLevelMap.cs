namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// GPT-2's byte-to-character table: byte-level BPE vocabularies spell every byte as a printable character so that
/// tokens can be stored as strings. Printable Latin-1 bytes map to themselves; the rest map to U+0100 upwards.
/// </summary>
public static class ByteLevelMap
{
    private static readonly char[] _byteToChar = BuildByteToChar();
    private static readonly short[] _charToByte = BuildCharToByte(_byteToChar);

    /// <summary>The character that spells <paramref name="b"/> in the vocabulary.</summary>
    public static char ByteToChar(byte b) => _byteToChar[b];

    /// <summary>The byte a vocabulary character stands for, or -1 when the character is not in the table.</summary>
    public static int CharToByte(char c) => c < _charToByte.Length ? _charToByte[c] : -1;

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }

    private static short[] BuildCharToByte(char[] byteToChar)
    {
        var table = new short[324];
        Array.Fill(table, (short)-1);
        for (var b = 0; b < 256; b++)
        {
            table[byteToChar[b]] = (short)b;
        }

        return table;
    }
}

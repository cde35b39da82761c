namespace Suite.Tokenizer.Core.Decoding;

/// <summary>The Hugging Face decoders this tokenizer implements.</summary>
public enum DecoderKind
{
    /// <summary>GPT-2 byte characters back to bytes, then UTF-8 with U+FFFD for invalid sequences.</summary>
    ByteLevel,

    /// <summary>A string replaced in every token ("▁" → " ").</summary>
    Replace,

    /// <summary>Runs of &lt;0xXX&gt; tokens back to text; an invalid run gives one U+FFFD per byte.</summary>
    ByteFallback,

    /// <summary>All tokens joined into one.</summary>
    Fuse,

    /// <summary>Up to Start leading and Stop trailing occurrences of one character removed from every token.</summary>
    Strip,
}

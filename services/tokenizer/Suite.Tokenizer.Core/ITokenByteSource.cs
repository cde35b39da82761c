namespace Suite.Tokenizer.Core;

/// <summary>
/// Byte-level access to a tokenizer's vocabulary: what an incremental detokenizer needs, since one token may carry
/// only part of a UTF-8 character.
/// </summary>
public interface ITokenByteSource
{
    /// <summary>The UTF-8 bytes a token stands for (empty for an unknown id).</summary>
    ReadOnlySpan<byte> GetTokenBytes(int tokenId);

    /// <summary>Whether the token is special (control), i.e. dropped when decoding with skipSpecialTokens.</summary>
    bool IsSpecial(int tokenId);
}

namespace Suite.Models.Generation;

/// <summary>
/// A byte-level BPE vocabulary in the form llama.cpp's <c>gpt2</c> tokenizer model reads: tokens in byte-to-unicode
/// form, their types, merges ("a b"), special token IDs and the chat template.
/// </summary>
public sealed record SmokeVocabulary(
    string Name,
    string Fingerprint,
    string Pre,
    IReadOnlyList<string> Tokens,
    IReadOnlyList<TokenType> TokenTypes,
    IReadOnlyList<string> Merges,
    int BosTokenId,
    int EosTokenId,
    int? EotTokenId,
    int? PadTokenId,
    bool AddBosToken,
    string? ChatTemplate)
{
    /// <summary>Number of tokens; the embedding and output matrices have exactly this many rows.</summary>
    public int Count => Tokens.Count;
}

namespace Suite.Models.Generation;

/// <summary>
/// A vocabulary in the form llama.cpp reads it: for its <c>gpt2</c> tokenizer model (byte-level BPE), tokens in
/// byte-to-unicode form, their types, merges ("a b"); for its <c>llama</c> model (SentencePiece-style, see
/// <see cref="TokenizerModel"/>), tokens with "▁" for spaces and their <see cref="Scores"/>. Plus special token IDs and
/// the chat template.
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

    /// <summary>llama.cpp's <c>tokenizer.ggml.model</c>: <c>gpt2</c> (byte-level BPE) or <c>llama</c> (SentencePiece-style).</summary>
    public string TokenizerModel { get; init; } = "gpt2";

    /// <summary>Per-token scores for the <c>llama</c> model (higher merges first); null for <c>gpt2</c>.</summary>
    public IReadOnlyList<float>? Scores { get; init; }

    /// <summary>The <c>llama</c> model's <c>add_space_prefix</c>: a space before the text (Llama 2 yes, Gemma no).</summary>
    public bool AddSpacePrefix { get; init; }

    /// <summary>The id of the unknown token, if the vocabulary has one.</summary>
    public int? UnknownTokenId { get; init; }
}

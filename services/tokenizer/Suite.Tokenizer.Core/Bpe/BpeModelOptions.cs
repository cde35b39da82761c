namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// How a Hugging Face <c>BPE</c> model turns a word into its first symbols. <paramref name="ByteLevel"/>: one symbol per
/// UTF-8 byte, spelled with GPT-2's byte characters (DeepSeek, Qwen, Llama 3). Otherwise one symbol per character
/// (SentencePiece-style: Llama 2, Gemma), a character missing from the vocabulary becoming its <c>&lt;0xXX&gt;</c> byte
/// tokens (<paramref name="ByteFallback"/>) or <paramref name="UnknownToken"/> (consecutive ones fused into one when
/// <paramref name="FuseUnknown"/>). <paramref name="IgnoreMerges"/> (Llama 3): a word that is itself a token is emitted whole.
/// </summary>
public sealed record BpeModelOptions(
    bool ByteLevel = true,
    bool IgnoreMerges = false,
    bool ByteFallback = false,
    string? UnknownToken = null,
    bool FuseUnknown = false);

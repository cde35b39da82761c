using Suite.Tokenizer.Core.Decoding;
using Suite.Tokenizer.Core.Normalization;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// The text stages around a <see cref="BpeModel"/>: normalizer, pre-tokenizer, decoder, together with the
/// tokenizer.json fragments they were built from (what the load cache stores to rebuild them).
/// </summary>
public sealed record TokenizerPipeline(
    ITextNormalizer? Normalizer,
    PreTokenizer PreTokenizer,
    TokenDecoder Decoder,
    string NormalizerJson,
    string PreTokenizerJson,
    string DecoderJson);

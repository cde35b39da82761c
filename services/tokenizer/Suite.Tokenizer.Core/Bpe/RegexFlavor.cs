namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// Whose regex semantics the pre-tokenizer patterns follow. They agree on every character except two whitespace
/// edge cases: ECMAScript's <c>\s</c> includes U+FEFF (BOM) and excludes U+0085 (NEL); Rust's (Unicode White_Space)
/// is the other way round.
/// </summary>
public enum RegexFlavor
{
    /// <summary>Hugging Face <c>tokenizers</c> (Rust <c>regex</c>/onig) and llama.cpp: what the models were trained with.</summary>
    HuggingFace,

    /// <summary>transformers.js (JavaScript <c>RegExp</c> with the <c>u</c> flag): the npm reference implementation.</summary>
    EcmaScript,
}

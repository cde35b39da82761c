namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// What a chat template is built from: the Jinja text from the model files and the special tokens transformers passes
/// it by name (<c>bos_token</c>, <c>eos_token</c>...).
/// </summary>
public sealed record ChatTemplateSource(string? Template, IReadOnlyDictionary<string, string> SpecialTokens);

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// A token matched verbatim in the input before BPE runs (special/control, or user-defined). <paramref name="Normalized"/>
/// (Hugging Face's flag) says whether it is matched in the normalized text rather than the original.
/// </summary>
public sealed record AddedToken(int Id, string Content, bool Special, bool Normalized = false);

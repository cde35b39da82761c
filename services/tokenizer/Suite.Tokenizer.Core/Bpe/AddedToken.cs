namespace Suite.Tokenizer.Core.Bpe;

/// <summary>A token matched verbatim in the input before BPE runs (special/control, or user-defined).</summary>
public sealed record AddedToken(int Id, string Content, bool Special);

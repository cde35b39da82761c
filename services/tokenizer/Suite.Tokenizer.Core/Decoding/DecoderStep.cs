namespace Suite.Tokenizer.Core.Decoding;

/// <summary>One step of a Hugging Face decoder sequence; the fields a kind does not use are empty.</summary>
public sealed record DecoderStep(DecoderKind Kind, string Pattern = "", string Content = "", int Start = 0, int Stop = 0);

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>What a chat template is built from: the Jinja text from the model files and the BOS/EOS strings.</summary>
public sealed record ChatTemplateSource(string? Template, string? BosToken, string? EosToken);

namespace Suite.Contracts;

/// <summary>Request to the tokenizer (answered with <see cref="TextTokenized"/> or <see cref="PipelineError"/>).</summary>
public sealed record TokenizeText(string Model, GenerationInput Input);

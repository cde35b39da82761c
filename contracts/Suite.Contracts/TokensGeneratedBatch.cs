namespace Suite.Contracts;

/// <summary>
/// Chunks of several streams bound for the same gateway that were ready at the same time, in one message. Under load a
/// worker's decode step produces a token for every running sequence at once: one message per step instead of one per
/// sequence. Each chunk keeps its own request id and index.
/// </summary>
public sealed record TokensGeneratedBatch(TokensGenerated[] Chunks);

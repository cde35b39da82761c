using Suite.Contracts;

namespace Suite.Gateway.Sessions;

/// <summary>
/// A request read to its end: all its text, and either how it completed or why it failed (neither when the stream ended
/// without a word, which a caller treats as a pipeline failure).
/// </summary>
public sealed record SessionResult(string Text, GenerationCompleted? Completed, GenerationFailed? Failed);

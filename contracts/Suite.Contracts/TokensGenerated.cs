namespace Suite.Contracts;

/// <summary>
/// A chunk of a stream: the tokens produced since the previous chunk and the text they complete. Text never ends in
/// half a character; bytes of an unfinished character wait for the next chunk. <see cref="Index"/> counts chunks from 0 within one
/// <see cref="Attempt"/> (a failed-over request starts a new attempt on another worker). The first chunk of an attempt
/// carries the router's <see cref="Route"/> decision, so the gateway can show it in the response headers.
/// </summary>
public sealed record TokensGenerated(
    Guid RequestId,
    int Index,
    int[] Tokens,
    string Text,
    string WorkerId,
    string Backend,
    int Attempt,
    RouteDecision? Route = null);

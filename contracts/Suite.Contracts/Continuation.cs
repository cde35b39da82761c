namespace Suite.Contracts;

/// <summary>
/// Where a failed-over request resumes: the tokens the client already has, how much text (UTF-16 units) it was
/// delivered, the attempt number, and workers not to use again (the one that died). An empty continuation is a first
/// attempt.
/// </summary>
public sealed record Continuation(int[] GeneratedTokens, int DeliveredTextLength, int Attempt, IReadOnlyList<string> ExcludedWorkers)
{
    public static Continuation First { get; } = new([], 0, 1, []);
}

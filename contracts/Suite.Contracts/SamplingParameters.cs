namespace Suite.Contracts;

/// <summary>
/// How the next token is chosen. Temperature 0 means greedy. <paramref name="Grammar"/> constrains every token to a
/// grammar (structured output) and <paramref name="LogitBias"/> shifts chosen tokens' logits; both are optional, and a
/// worker whose backend cannot honour them refuses the request rather than ignore them.
/// </summary>
public sealed record SamplingParameters(
    float Temperature = 1.0f,
    float TopP = 1.0f,
    int TopK = 0,
    long? Seed = null,
    float FrequencyPenalty = 0f,
    float PresencePenalty = 0f,
    GrammarConstraint? Grammar = null,
    IReadOnlyList<TokenBias>? LogitBias = null)
{
    /// <summary>Greedy decoding: always the most likely token.</summary>
    public static SamplingParameters Greedy { get; } = new(Temperature: 0f);

    public bool IsGreedy => Temperature <= 0f;

    /// <summary>Whether choosing a token needs more than the logits: a grammar or logit biases.</summary>
    public bool IsConstrained => Grammar is not null || LogitBias is { Count: > 0 };
}

namespace Suite.Contracts;

/// <summary>How the next token is chosen. Temperature 0 means greedy.</summary>
public sealed record SamplingParameters(
    float Temperature = 1.0f,
    float TopP = 1.0f,
    int TopK = 0,
    long? Seed = null,
    float FrequencyPenalty = 0f,
    float PresencePenalty = 0f)
{
    /// <summary>Greedy decoding: always the most likely token.</summary>
    public static SamplingParameters Greedy { get; } = new(Temperature: 0f);

    public bool IsGreedy => Temperature <= 0f;
}

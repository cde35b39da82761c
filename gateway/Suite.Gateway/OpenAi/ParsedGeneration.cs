using Suite.Contracts;

namespace Suite.Gateway.OpenAi;

/// <summary>A validated generation request, ready for the pipeline.</summary>
public sealed record ParsedGeneration(
    GenerationKind Kind,
    string Model,
    GenerationInput Input,
    SamplingParameters Sampling,
    GenerationLimits Limits,
    bool Stream,
    bool IncludeUsage,
    int Priority);

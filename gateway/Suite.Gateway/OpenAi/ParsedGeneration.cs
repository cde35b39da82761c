using Suite.Gateway.Sessions;

namespace Suite.Gateway.OpenAi;

/// <summary>A validated OpenAI request: the generation, and how the client wants it delivered.</summary>
public sealed record ParsedGeneration(GenerationRequest Request, bool Stream, bool IncludeUsage)
{
    public GenerationKind Kind => Request.Kind;

    public string Model => Request.Model;
}

namespace Suite.Gateway.Sessions;

/// <summary>Which OpenAI endpoint a generation came through; decides the response shape.</summary>
public enum GenerationKind
{
    ChatCompletion = 0,
    Completion = 1,
}

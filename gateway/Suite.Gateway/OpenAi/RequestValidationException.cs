namespace Suite.Gateway.OpenAi;

/// <summary>Thrown inside the parser to stop at the first invalid parameter; never escapes it.</summary>
internal sealed class RequestValidationException(OpenAiError error) : Exception(error.Message)
{
    public OpenAiError Error { get; } = error;
}

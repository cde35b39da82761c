using Suite.Contracts;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.OpenAi;

/// <summary>Thrown inside the parser to stop at the first invalid parameter; never escapes it.</summary>
internal sealed class RequestValidationException(PipelineError error) : Exception(error.Message)
{
    public PipelineError Error { get; } = error;
}

using Suite.Contracts;

namespace Suite.Gateway.Admin;

/// <summary>Thrown while reading an admin request to stop at its first invalid field; never escapes the admin API.</summary>
internal sealed class AdminInputException(PipelineError error) : Exception(error.Message)
{
    public PipelineError Error { get; } = error;
}

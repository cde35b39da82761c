using Suite.Contracts;

namespace Suite.Gateway.Tenancy;

/// <summary>The caller a credential stands for, or the error its request gets instead (401, or 503 when the key store is unreachable).</summary>
public sealed record CallerResolution(Caller? Caller, PipelineError? Error)
{
    public static CallerResolution Of(Caller caller) => new(caller, null);

    public static CallerResolution Refused(PipelineError error) => new(null, error);
}

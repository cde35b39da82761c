using Suite.Contracts;
using Suite.ServiceDefaults.Errors;

namespace Suite.ServiceDefaults.Pipeline;

/// <summary>Failure replies for pipeline commands: the requester hears at once that a service could not handle its request.</summary>
public static class PipelineFailures
{
    /// <summary>A <see cref="GenerationFailed"/> 500 for the request, sent to its reply address.</summary>
    public static PipelineReply ToRequester(Guid requestId, Uri replyAddress, string service, Exception exception)
        => new(replyAddress, new GenerationFailed(requestId, PipelineErrors.Internal(service, exception), null));
}

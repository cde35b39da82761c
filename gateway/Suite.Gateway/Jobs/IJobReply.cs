namespace Suite.Gateway.Jobs;

/// <summary>
/// Where a job's messages go, in the producer's format: <c>GenerationJobChunk</c>, <c>GenerationJobCompleted</c> and
/// <c>GenerationJobFailed</c> as they are (MassTransit producers), or as OpenAI objects (plain-JSON producers). A send
/// either completes or throws; <see cref="JobRunner.DeliverAsync"/> bounds and retries it.
/// </summary>
public interface IJobReply
{
    Task SendAsync(object message, CancellationToken cancellationToken);
}

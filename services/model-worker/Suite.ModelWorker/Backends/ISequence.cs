namespace Suite.ModelWorker.Backends;

/// <summary>
/// A scheduled sequence. <see cref="Tokens"/> yields each generated token as soon as it is sampled (an
/// end-of-generation token is not yielded) and completes when the sequence ends; <see cref="Completion"/> then says why.
/// </summary>
public interface ISequence
{
    Guid Id { get; }

    System.Threading.Channels.ChannelReader<int> Tokens { get; }

    Task<SequenceOutcome> Completion { get; }

    /// <summary>Stops the sequence and frees its slot and KV cells at the next step boundary. Idempotent.</summary>
    void Cancel();
}

using Suite.ModelWorker.Scheduling;

namespace Suite.ModelWorker.Tests.Scheduling;

/// <summary>
/// An executor without an engine: every sampled token is 1000 + the sequence's position, so tokens are predictable,
/// a sequence whose prefix starts with <see cref="StopToken"/> ends at its first sample, and one whose prefix starts with
/// <see cref="RefuseToken"/> cannot be sampled (as when its grammar allows no token).
/// </summary>
internal sealed class ScriptedExecutor : IStepExecutor
{
    public const int StopToken = 3;

    public const int RefuseToken = 4;

    public int StatesCreated { get; private set; }

    public int StatesDisposed { get; private set; }

    public IDisposable? CreateState(ScheduledSequence sequence)
    {
        StatesCreated++;
        return new State(this);
    }

    public SampledToken Sample(ScheduledSequence sequence, int entry) =>
        sequence.Request.Prefix[0] == RefuseToken
            ? throw new SequenceSamplingException("no token allowed")
            : new(1000 + sequence.Position, sequence.Request.Prefix[0] == StopToken);

    private sealed class State(ScriptedExecutor owner) : IDisposable
    {
        public void Dispose() => owner.StatesDisposed++;
    }
}

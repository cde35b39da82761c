namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// What a backend supplies to the scheduler besides running steps: per-sequence state (llama.cpp: its sampler
/// chain; the simulator: its rolling hash) and the choice of the next token once a step has produced logits.
/// </summary>
public interface IStepExecutor
{
    /// <summary>Called when a sequence gets a slot; the state is disposed when it ends. Throwing fails that sequence.</summary>
    IDisposable? CreateState(ScheduledSequence sequence);

    /// <summary>
    /// The next token of the entry <paramref name="entry"/> of the step just run. A <see cref="SequenceSamplingException"/>
    /// fails that sequence only (for example, its grammar allows no token); anything else fails the step.
    /// </summary>
    SampledToken Sample(ScheduledSequence sequence, int entry);
}

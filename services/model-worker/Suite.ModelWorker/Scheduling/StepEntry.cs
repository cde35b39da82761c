namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// One sequence's part of a step: its tokens <c>History[Start .. Start+Count)</c> at the same positions, on its slot's
/// lane; <see cref="Sample"/> when the step yields its next token (logits of the last of them).
/// </summary>
public readonly record struct StepEntry(ScheduledSequence Sequence, int Start, int Count, bool Sample);

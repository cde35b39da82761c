namespace Suite.ModelWorker.Scheduling;

/// <summary>One sequence cannot get a next token (its own constraints allow none): it fails, the batch goes on.</summary>
public sealed class SequenceSamplingException(string message) : Exception(message);

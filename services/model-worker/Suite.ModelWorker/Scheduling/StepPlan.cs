namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// The work of one step, as the scheduler planned it: running sequences' next tokens first, then prefill chunks in
/// admission order, within the batch budget. An executor runs it (llama.cpp: one <c>llama_decode</c>; the simulator:
/// its hardware profile's step time) after applying the pending <see cref="KvOperation"/>s. Reused between steps.
/// </summary>
public sealed class StepPlan
{
    internal List<StepEntry> Items { get; } = [];

    public IReadOnlyList<StepEntry> Entries => Items;

    /// <summary>Sequences that advance by one generated token in this step.</summary>
    public int DecodingSequences { get; internal set; }

    /// <summary>Prompt tokens computed in this step.</summary>
    public int PrefillTokens { get; internal set; }

    /// <summary>Tokens in the step (decode plus prefill).</summary>
    public int Tokens => DecodingSequences + PrefillTokens;

    internal void Clear()
    {
        Items.Clear();
        DecodingSequences = 0;
        PrefillTokens = 0;
    }
}

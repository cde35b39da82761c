namespace Suite.ModelWorker.Backends.Sim;

/// <summary>A simulated sequence's rolling hash of its tokens so far (<see cref="SimulatedTokenGenerator"/>).</summary>
internal sealed class SimulatedTokenState(ulong value) : IDisposable
{
    public ulong Value { get; set; } = value;

    public void Dispose()
    {
        // Nothing to free: the state is a number.
    }
}

using Suite.ModelWorker.Backends;

namespace Suite.ModelWorker.Tests.Scheduling;

/// <summary>A backend for one test: disposed afterwards unless it is the shared fixture's.</summary>
internal sealed class Lease(IInferenceBackend backend, bool owned) : IAsyncDisposable
{
    public IInferenceBackend Backend { get; } = backend;

    public ValueTask DisposeAsync() => owned ? Backend.DisposeAsync() : ValueTask.CompletedTask;
}

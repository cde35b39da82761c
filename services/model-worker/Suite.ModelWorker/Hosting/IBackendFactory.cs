using Suite.ModelWorker.Backends;

namespace Suite.ModelWorker.Hosting;

/// <summary>Creates the configured backend (loading native libraries and the model). Throws when it cannot run here.</summary>
public interface IBackendFactory
{
    Task<IInferenceBackend> CreateAsync(ModelWorkerOptions options, CancellationToken cancellationToken);
}

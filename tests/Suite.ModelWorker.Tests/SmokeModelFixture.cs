using LLama.Native;
using Suite.Models.Catalog;
using Suite.ModelWorker.Backends.LlamaCpp;

namespace Suite.ModelWorker.Tests;

/// <summary>
/// One generated smoke model per test run (in a temporary cache folder) and one shared backend in the exact setting:
/// F32 weights, F32 KV cache, flash attention off, 16 sequences.
/// </summary>
public sealed class SmokeModelFixture : IAsyncLifetime
{
    private LlamaCppBackend? _backend;

    public string CacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "suite-mw-tests-" + Guid.NewGuid().ToString("N"));

    public ResolvedModel Model { get; private set; } = null!;

    public LlamaCppBackend Backend => _backend ?? throw new InvalidOperationException("Fixture not initialised.");

    public ValueTask InitializeAsync()
    {
        // llama.cpp logs every load to stderr; keep test output readable.
        if (!NativeLibraryConfig.LLama.LibraryHasLoaded)
        {
            NativeLibraryConfig.All.WithLogCallback((_, _) => { });
        }

        Model = ModelCatalog.Resolve(new ModelCatalogSettings { CacheDirectory = CacheDirectory });
        _backend = new LlamaCppBackend(new LlamaCppBackendOptions
        {
            ModelPath = Model.Path,
            Model = Model.Description,
            MaxSequences = 16,

            // One thread: on a shared 2-core machine llama.cpp's two-thread barriers stall badly under load (measured
            // 28 vs 722 tok/s), and the tests check behaviour, not speed.
            Threads = 1,
            KvCacheType = KvCacheType.F32,
            FlashAttention = false,
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        try
        {
            Directory.Delete(CacheDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

using LLama.Native;
using Microsoft.Extensions.Logging;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Backends.LlamaCpp;
using Suite.ModelWorker.Backends.Sim;
using Suite.Models.Catalog;

namespace Suite.ModelWorker.Hosting;

/// <summary>
/// Builds the configured backend: selects the llama.cpp native library for cpu/cuda/cann (failing with what is
/// missing), resolves the model, and loads it.
/// </summary>
public sealed class BackendFactory(ModelResolution models, ILoggerFactory? loggers = null) : IBackendFactory
{
    // Simulated workers of one process (a simulated fleet) read the same GGUF; the vocabulary is immutable, so they share it.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<SimulatedVocabulary>> SharedVocabularies = new(StringComparer.Ordinal);

    public Task<IInferenceBackend> CreateAsync(ModelWorkerOptions options, CancellationToken cancellationToken)
    {
        if (options.Backend == "sim")
        {
            // Simulated timing from a hardware profile; the GGUF is read only for its vocabulary. No native library.
            return Task.Run<IInferenceBackend>(
                () =>
                {
                    var model = models.Model;
                    return new SimulatedBackend(new SimulatedBackendOptions
                    {
                        Profile = SimulatedHardwareProfiles.Get(options.SimProfile),
                        Vocabulary = SharedVocabularies.GetOrAdd(model.Path, path => new Lazy<SimulatedVocabulary>(() => SimulatedVocabulary.FromGguf(path))).Value,
                        ModelPath = model.Path,
                        Model = model.Description,
                        MaxSequences = options.MaxSequences,
                        ContextLength = options.ContextLength > 0 ? options.ContextLength : null,
                        MaxWaiting = options.MaxWaiting,
                        TimeScale = options.SimTimeScale,
                        PrefixCache = options.PrefixCacheEnabled,
                        BlockTokens = options.KvBlockTokens,
                    });
                },
                cancellationToken);
        }

        if (loggers is not null && !NativeLibraryConfig.LLama.LibraryHasLoaded)
        {
            // llama.cpp's own log (model loader dump, warnings) goes through ILogger under the category "llama.cpp".
            NativeLibraryConfig.All.WithLogCallback(loggers.CreateLogger("llama.cpp"));
        }

        var selection = NativeLibrarySelector.Configure(options.Backend, options.NativeLibraryPath);
        return Task.Run<IInferenceBackend>(
            () =>
            {
                var model = models.Model;
                return new LlamaCppBackend(new LlamaCppBackendOptions
                {
                    ModelPath = model.Path,
                    BackendName = selection.Backend,
                    Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
                    MaxSequences = options.MaxSequences,
                    ContextLength = options.ContextLength > 0 ? options.ContextLength : null,
                    MaxWaiting = options.MaxWaiting,
                    KvCacheType = options.ExactNumerics ? KvCacheType.F32 : KvCacheType.F16,
                    FlashAttention = false,
                    PrefixCache = options.PrefixCacheEnabled,
                    BlockTokens = options.KvBlockTokens,
                    Model = model.Description,
                });
            },
            cancellationToken);
    }
}

using LLama.Native;
using Suite.Contracts;
using Suite.ModelWorker.Engine;
using Suite.ModelWorker.Scheduling;
using Suite.Models.Catalog;

namespace Suite.ModelWorker.Backends.LlamaCpp;

/// <summary>
/// Real llama.cpp inference (LLamaSharp's low-level API) with continuous batching on one context, scheduled by the
/// shared <see cref="BatchScheduler"/>. With the prefix cache (the default) the KV cache is unified: one pool of
/// MaxSequences × ContextLength cells that every sequence draws from, so cached blocks are shared between sequences
/// by tagging the same cells with several sequence ids (no copy), and holder sequence ids keep cached blocks that no
/// running sequence uses. Without it, llama.cpp splits the cells into one stream per sequence, as before.
/// </summary>
public sealed class LlamaCppBackend : IInferenceBackend
{
    private const int DefaultContextLength = 4096;
    private const int KvPadding = 256; // llama.cpp pads each sequence's stream to a multiple of 256 cells

    // llama.cpp's LLAMA_MAX_SEQ at the bound commit: sequence ids, slots and holder lanes together, stay below it.
    private const int MaxSequenceIds = 256;

    private readonly SafeLlamaModelHandle _model;
    private readonly SafeLLamaContextHandle _context;
    private readonly LlamaCppVocabulary _vocabulary;
    private readonly ContinuousBatchingEngine _engine;
    private readonly IntPtr _nativeVocabulary;
    private int _disposed;

    public LlamaCppBackend(LlamaCppBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Options = options;

        // Touching NativeApi first runs LLamaSharp's native-library resolution (its static constructor); the struct
        // defaults below P/Invoke directly and would otherwise look for "libllama" only beside the executable.
        NativeApi.llama_empty_call();
        var modelParams = LLamaModelParams.Default();
        modelParams.n_gpu_layers = options.GpuLayers ?? (options.BackendName == "cpu" ? 0 : 999);
        _model = SafeLlamaModelHandle.LoadFromFile(options.ModelPath, modelParams);
        try
        {
            var trained = _model.ContextSize;
            var contextLength = options.ContextLength ?? Math.Min(trained > 0 ? trained : DefaultContextLength, DefaultContextLength);
            var cellsPerSequence = (contextLength + KvPadding - 1) / KvPadding * KvPadding;

            var holders = options.PrefixCache ? HolderLanes(options) : 0;
            HolderLaneCount = holders;
            var contextParams = LLamaContextParams.Default();
            contextParams.n_ctx = checked((uint)(cellsPerSequence * options.MaxSequences));
            contextParams.n_seq_max = (uint)(options.MaxSequences + holders);
            contextParams.kv_unified = options.PrefixCache;
            contextParams.n_batch = (uint)options.BatchSize;
            contextParams.n_ubatch = (uint)options.BatchSize;
            contextParams.n_threads = options.Threads;
            contextParams.n_threads_batch = options.Threads;
            contextParams.llama_flash_attn_type = options.FlashAttention
                ? LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_ENABLED
                : LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_DISABLED;
            var kvType = options.KvCacheType == KvCacheType.F32 ? GGMLType.GGML_TYPE_F32 : GGMLType.GGML_TYPE_F16;
            contextParams.type_k = kvType;
            contextParams.type_v = kvType;
            contextParams.no_perf = true;
            _context = SafeLLamaContextHandle.Create(_model, contextParams);

            var cells = (long)_context.ContextSize;
            if (_context.MaxSeq < options.MaxSequences + holders || cells < (long)options.MaxSequences * contextLength)
            {
                throw new InvalidOperationException(
                    $"llama.cpp gave {_context.MaxSeq} sequences and {cells} cells; {options.MaxSequences + holders} sequences and {options.MaxSequences} × {contextLength} cells were asked for.");
            }

            _vocabulary = new LlamaCppVocabulary(_model);
            Model = options.Model ?? ModelCatalog.Describe(options.ModelPath, Path.GetFileNameWithoutExtension(options.ModelPath));
            Info = new BackendInfo(
                options.BackendName,
                DescribeDevice(options),
                Simulated: false,
                NativeLibrary: LoadedNativeLibrary.Find("libllama") ?? "unknown",
                ConstrainedDecoding: true);
            _nativeVocabulary = NativeGrammar.Vocabulary(_model);
            _engine = new ContinuousBatchingEngine(_context, _vocabulary, new SchedulerOptions
            {
                MaxSequences = options.MaxSequences,
                ContextLength = contextLength,
                MaxWaiting = options.MaxWaiting,
                BatchSize = options.BatchSize,

                // Unified: the whole pool. Split streams: each sequence has its own ContextLength cells, which the
                // accounting over MaxSequences × ContextLength also respects, since no sequence outgrows its context.
                KvCapacityTokens = (long)options.MaxSequences * contextLength,
                BlockTokens = options.BlockTokens,
                PrefixCache = options.PrefixCache,
                HolderLanes = holders,
                MaxIdleCachedBlocks = (options.PrefixCacheIdleTokens ?? (2 * contextLength)) / options.BlockTokens,
                Model = Model.Id,
            }, _nativeVocabulary);
        }
        catch
        {
            _context?.Dispose();
            _model.Dispose();
            throw;
        }
    }

    public LlamaCppBackendOptions Options { get; }

    public BackendInfo Info { get; }

    public ModelDescription Model { get; }

    public ITokenVocabulary Vocabulary => _vocabulary;

    /// <summary>Tokens each sequence may hold (prompt plus generated).</summary>
    public int ContextLength => _engine.Scheduler.Options.ContextLength;

    /// <summary>Sequence ids after the slots that keep cached blocks (0 without the prefix cache).</summary>
    public int HolderLaneCount { get; private set; }

    public BackendCapacity GetCapacity()
    {
        var (running, waiting) = _engine.Scheduler.Occupancy;
        return new(
            MaxSequences: _engine.Scheduler.Options.MaxSequences,
            RunningSequences: running,
            WaitingSequences: waiting,
            MaxWaiting: _engine.Scheduler.Options.MaxWaiting,
            KvCapacityTokens: (long)_engine.Scheduler.Options.MaxSequences * _engine.Scheduler.Options.ContextLength,
            KvUsedTokens: _engine.Scheduler.KvUsedTokens,
            ContextLength: _engine.Scheduler.Options.ContextLength,
            Cache: _engine.Scheduler.Statistics);
    }

    public KvEventLog KvEvents => _engine.Scheduler.Events;

    public ISequence Schedule(SequenceRequest request)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (request?.Sampling.Grammar is { } grammar)
        {
            // Parsed here, on the caller's thread, so a bad grammar fails its own request and never the engine's step.
            NativeGrammar.Check(_nativeVocabulary, grammar);
        }

        return _engine.Schedule(request!);
    }

    /// <summary>The model's native <c>llama_vocab*</c>, for tests that build llama.cpp samplers over it.</summary>
    internal IntPtr NativeVocabulary => _nativeVocabulary;

    /// <summary>KV cells llama.cpp still holds; a test diagnostic, valid only while nothing runs.</summary>
    internal long CountKvCellsWhileIdle() => _engine.CountKvCells(0, Options.MaxSequences);

    /// <summary>KV cells the holder lanes keep for cached blocks; a test diagnostic, valid only while nothing runs.</summary>
    internal long CountCachedKvCellsWhileIdle() => _engine.CountKvCells(Options.MaxSequences, HolderLaneCount);

    /// <summary>Converts text to tokens with the model's own tokenizer (special tokens parsed); for tests and tools.</summary>
    public int[] Tokenize(string text, bool addBos = false) =>
        _model.Tokenize(text, addBos, true, System.Text.Encoding.UTF8).Select(t => (int)t).ToArray();

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        _engine.Dispose();
        _context.Dispose();
        _model.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Validate(LlamaCppBackendOptions options)
    {
        if (!File.Exists(options.ModelPath))
        {
            throw new FileNotFoundException($"Model file not found: {options.ModelPath}", options.ModelPath);
        }

        if (options.MaxSequences < 1 || options.MaxSequences > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxSequences must be 1..256 (llama.cpp's limit).");
        }

        if (options.BatchSize < options.MaxSequences)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be at least MaxSequences (one token per running sequence).");
        }

        if (options.BlockTokens < 1 || options.BlockTokens > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BlockTokens must be 1..1024.");
        }

        if (options.Threads < 1 || options.MaxWaiting < 0 || options.ContextLength is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Threads ≥ 1, MaxWaiting ≥ 0 and ContextLength ≥ 2 are required.");
        }
    }

    /// <summary>
    /// Holder lanes: each keeps at most one cached block per position, so their number bounds how many different
    /// cached blocks can share one position (e.g. how many different system prompts stay cached).
    /// </summary>
    private static int HolderLanes(LlamaCppBackendOptions options) =>
        Math.Clamp(options.PrefixCacheHolderLanes ?? 2 * options.MaxSequences, 0, MaxSequenceIds - options.MaxSequences);

    private static string DescribeDevice(LlamaCppBackendOptions options)
    {
        if (options.BackendName != "cpu")
        {
            return $"{options.BackendName.ToUpperInvariant()} ({options.Threads} CPU threads)";
        }

        var avx = NativeApi.GetLoadedNativeLibrary(NativeLibraryName.LLama)?.Metadata?.AvxLevel.ToString().ToLowerInvariant();
        return avx is null ? $"CPU ({options.Threads} threads)" : $"CPU ({avx}, {options.Threads} threads)";
    }
}

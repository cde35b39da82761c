using System.Collections.Concurrent;
using Suite.Contracts.KvCache;
using Suite.Router.Index;
using Suite.Router.Registry;

namespace Suite.Router.Policy;

/// <summary>
/// One routing decision's inputs: the candidates, the request's tokens, and (computed once, on first use) how many of
/// its prompt tokens each candidate's prefix cache holds according to the index, per the candidate's block size.
/// </summary>
public sealed class RoutingContext
{
    private static readonly ConcurrentDictionary<string, ulong> Roots = new(StringComparer.Ordinal);

    [ThreadStatic]
    private static int[]? t_overlap;

    [ThreadStatic]
    private static List<int>? t_touched;

    private readonly PrefixIndex? _index;
    private readonly int[] _tokens;
    private int[]? _cached;
    private List<(int BlockTokens, ulong[] Hashes)>? _hashes;

    public RoutingContext(PrefixIndex? index, IReadOnlyList<WorkerEntry> candidates, string model, int[] tokens, int priority, int? maxTokens, int slotCount)
    {
        _index = index;
        Candidates = candidates;
        Model = model;
        _tokens = tokens;
        Priority = priority;
        MaxTokens = maxTokens;
        SlotCount = slotCount;
    }

    public IReadOnlyList<WorkerEntry> Candidates { get; }

    public string Model { get; }

    /// <summary>Tokens the worker will be given: the prompt plus any tokens an earlier attempt produced.</summary>
    public int PromptTokens => _tokens.Length;

    public int Priority { get; }

    public int? MaxTokens { get; }

    /// <summary>Registry slots handed out so far: the bound for per-slot scratch arrays.</summary>
    public int SlotCount { get; }

    /// <summary>Prompt tokens candidate <paramref name="candidate"/> holds in its prefix cache (whole blocks, the last token excluded).</summary>
    public int CachedTokens(int candidate)
    {
        _cached ??= ComputeCached();
        return _cached[candidate];
    }

    /// <summary>The request's block hashes for a block size (computed when overlaps were).</summary>
    public ReadOnlySpan<ulong> Hashes(int blockTokens)
    {
        _cached ??= ComputeCached();
        foreach (var (size, hashes) in _hashes!)
        {
            if (size == blockTokens)
            {
                return hashes;
            }
        }

        return [];
    }

    private int[] ComputeCached()
    {
        var cached = new int[Candidates.Count];
        _hashes = new List<(int, ulong[])>(1);
        if (_index is null)
        {
            return cached;
        }

        var overlap = t_overlap is { } o && o.Length >= SlotCount ? o : t_overlap = new int[Math.Max(SlotCount, 64) * 2];
        var touched = t_touched ??= [];
        var root = Roots.GetOrAdd(Model, PrefixBlockHash.Root);
        for (var i = 0; i < Candidates.Count; i++)
        {
            ref readonly var figures = ref Candidates[i].Figures;
            var blockTokens = figures.CacheEnabled ? figures.BlockTokens : 0;
            if (blockTokens == 0 || Hashed(blockTokens))
            {
                continue;
            }

            var hashes = new ulong[_tokens.Length / blockTokens];
            PrefixBlockHash.Compute(root, _tokens, blockTokens, hashes);
            _hashes.Add((blockTokens, hashes));
            touched.Clear();
            _index.Match(hashes, overlap, touched);
            var usable = (_tokens.Length - 1) / blockTokens;
            for (var j = i; j < Candidates.Count; j++)
            {
                ref readonly var other = ref Candidates[j].Figures;
                if (other.CacheEnabled && other.BlockTokens == blockTokens)
                {
                    var slot = Candidates[j].Slot;
                    cached[j] = (uint)slot < (uint)overlap.Length ? Math.Min(overlap[slot], usable) * blockTokens : 0;
                }
            }

            foreach (var slot in touched)
            {
                overlap[slot] = 0;
            }
        }

        return cached;
    }

    // A fleet has one block size or a few: a loop, not a lookup (and no closure per candidate).
    private bool Hashed(int blockTokens)
    {
        foreach (var (size, _) in _hashes!)
        {
            if (size == blockTokens)
            {
                return true;
            }
        }

        return false;
    }
}

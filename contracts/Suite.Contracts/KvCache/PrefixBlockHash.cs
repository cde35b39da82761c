using System.Text;

namespace Suite.Contracts.KvCache;

/// <summary>
/// The chained hash that names a block of prompt tokens, shared by workers (which cache KV per block) and routers
/// (which index where blocks live). Block k of a token sequence covers tokens [k·B, (k+1)·B); its hash covers those
/// tokens and, through its parent's hash, every token before them, as vLLM's and Dynamo's block hashes do. Only full
/// blocks have hashes. The chain starts from <see cref="Root"/> of the model, so equal token IDs of two models never
/// share a block. Part of the public contract: another implementation must compute the same numbers.
/// <para>
/// Algorithm: <c>root = mix(FNV-1a-64(UTF-8 model id))</c>; for a block, <c>h = parent</c>, then for each token
/// <c>h = (h ^ (uint)token) × 0x100000001B3</c> (FNV-1a over 32-bit tokens), finally <c>h = mix(h ^ B)</c>; a result of
/// 0 becomes 1 (0 means "no block"). <c>mix</c> is SplitMix64's finaliser. Arithmetic is unsigned 64-bit, wrapping.
/// One multiply per token keeps hashing a long prompt to a few microseconds; it is not a cryptographic hash, so it
/// does not keep a client who can choose tokens from crafting a collision.
/// </para>
/// </summary>
public static class PrefixBlockHash
{
    private const ulong FnvPrime = 0x100_0000_01B3UL;

    /// <summary>The parent of a model's first block.</summary>
    public static ulong Root(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var h = 0xCBF2_9CE4_8422_2325UL;
        foreach (var b in Encoding.UTF8.GetBytes(model))
        {
            h = (h ^ b) * FnvPrime;
        }

        return NonZero(Mix(h));
    }

    /// <summary>The hash of one full block of <paramref name="tokens"/> whose parent block's hash is <paramref name="parent"/>.</summary>
    public static ulong Next(ulong parent, ReadOnlySpan<int> tokens)
    {
        var h = parent;
        foreach (var token in tokens)
        {
            h = (h ^ (uint)token) * FnvPrime;
        }

        return NonZero(Mix(h ^ (ulong)tokens.Length));
    }

    /// <summary>
    /// Hashes the full blocks of <paramref name="tokens"/> into <paramref name="hashes"/> (at most its length) and
    /// returns how many were written.
    /// </summary>
    public static int Compute(ulong root, ReadOnlySpan<int> tokens, int blockTokens, Span<ulong> hashes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockTokens, 1);
        var count = Math.Min(tokens.Length / blockTokens, hashes.Length);
        var parent = root;
        for (var k = 0; k < count; k++)
        {
            parent = Next(parent, tokens.Slice(k * blockTokens, blockTokens));
            hashes[k] = parent;
        }

        return count;
    }

    /// <summary>The hashes of every full block of <paramref name="tokens"/>.</summary>
    public static ulong[] Compute(string model, ReadOnlySpan<int> tokens, int blockTokens)
    {
        var hashes = new ulong[tokens.Length / blockTokens];
        Compute(Root(model), tokens, blockTokens, hashes);
        return hashes;
    }

    private static ulong NonZero(ulong h) => h == 0 ? 1 : h;

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}

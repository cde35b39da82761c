namespace Suite.ModelWorker.Backends.Sim;

/// <summary>
/// The simulator's "model": the token at absolute position p is a pure function of the tokens at positions 0..p-1,
/// through a rolling 64-bit hash. Nothing else enters (not the sampling parameters, the backend, the hardware profile
/// or whether a token was prompt or generated), so a sequence handed over with prefix = prompt + the first k generated
/// tokens continues with exactly the tokens the undisturbed run would have produced, on any simulated worker.
/// </summary>
public static class SimulatedTokenGenerator
{
    /// <summary>The hash of the empty prefix.</summary>
    public const ulong InitialState = 0x5EED_51A7_0B5E_55EDUL;

    private const ulong TokenSalt = 0x9E37_79B9_7F4A_7C15UL;
    private const ulong StopSalt = 0xC2B2_AE3D_27D4_EB4FUL;

    /// <summary>The hash after appending <paramref name="token"/> to a prefix whose hash is <paramref name="state"/>.</summary>
    public static ulong Append(ulong state, int token) => Mix((state * 0x100_0000_01B3UL) ^ (uint)token ^ ((ulong)(uint)token << 32));

    /// <summary>The hash of a whole prefix.</summary>
    public static ulong Hash(ReadOnlySpan<int> prefix)
    {
        var state = InitialState;
        foreach (var token in prefix)
        {
            state = Append(state, token);
        }

        return state;
    }

    /// <summary>The token that follows a prefix with hash <paramref name="state"/>, one of <paramref name="tokens"/>.</summary>
    public static int NextToken(ulong state, ReadOnlySpan<int> tokens) => tokens[(int)(Mix(state ^ TokenSalt) % (ulong)tokens.Length)];

    /// <summary>
    /// Whether generation would end after a prefix with hash <paramref name="state"/>, with probability
    /// 1/<paramref name="meanOutputTokens"/> per position (a geometric output length with that mean). Uses hash bits
    /// independent of <see cref="NextToken"/>'s, so with IgnoreEos the token stream is the same with or without stops.
    /// </summary>
    public static bool Stops(ulong state, int meanOutputTokens) =>
        meanOutputTokens > 0 && Mix(state ^ StopSalt) % (ulong)meanOutputTokens == 0;

    // SplitMix64's finaliser: every input bit affects every output bit.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}

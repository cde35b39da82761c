using LLama.Native;
using Suite.Contracts;
using Suite.ModelWorker.Backends.LlamaCpp;

namespace Suite.ModelWorker.Engine;

/// <summary>
/// Builds one sampler per sequence, so each keeps its own RNG, penalty history and grammar state. The grammar comes
/// first (a token it forbids is never chosen, whatever the rest does; see <see cref="SequenceSampler"/> for how that is
/// kept cheap), then logit biases (the client's, and -inf on end-of-generation tokens for ignore_eos), penalties, then
/// greedy or top-k/top-p, temperature and the seeded draw.
/// </summary>
internal static class SamplerFactory
{
    public static SequenceSampler Create(
        SamplingParameters sampling,
        bool ignoreEos,
        IReadOnlyList<int> endOfGenerationTokens,
        int vocabularySize,
        int penaltyWindow,
        IntPtr vocabulary = default,
        ReadOnlySpan<int> resumed = default)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        SafeLLamaSamplerChainHandle? grammarChain = null;
        try
        {
            if (sampling.Grammar is { } grammar)
            {
                grammarChain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
                NativeGrammar.AddTo(grammarChain, vocabulary, grammar);
            }

            var biases = Biases(sampling, ignoreEos, endOfGenerationTokens, vocabularySize);
            if (biases.Length > 0)
            {
                chain.AddLogitBias(vocabularySize, biases);
            }

            if (sampling.FrequencyPenalty != 0f || sampling.PresencePenalty != 0f)
            {
                chain.AddPenalties(penaltyWindow, 1f, sampling.FrequencyPenalty, sampling.PresencePenalty);
            }

            if (sampling.IsGreedy)
            {
                chain.AddGreedySampler();
            }
            else
            {
                if (sampling.TopK > 0)
                {
                    chain.AddTopK(sampling.TopK);
                }

                if (sampling.TopP is > 0f and < 1f)
                {
                    chain.AddTopP(sampling.TopP, 1);
                }

                chain.AddTemperature(sampling.Temperature);
                var seed = sampling.Seed is { } s
                    ? (uint)((ulong)s % uint.MaxValue)
                    : (uint)Random.Shared.NextInt64(0, uint.MaxValue);
                chain.AddDistributionSampler(seed);
            }

            var sampler = new SequenceSampler(chain, grammarChain, vocabularySize);
            if (grammarChain is not null)
            {
                // A resumed sequence: the grammar (and penalties) continue from what the earlier attempt generated.
                foreach (var token in resumed)
                {
                    sampler.Accept(token);
                }
            }

            return sampler;
        }
        catch
        {
            grammarChain?.Dispose();
            chain.Dispose();
            throw;
        }
    }

    /// <summary>
    /// OpenAI's logit_bias is added to the logits, and it promises that -100 bans a token and +100 makes it the only
    /// choice: true for its models, not for every model (the smoke model's random logits spread over more than 100).
    /// So without a grammar the ends mean what OpenAI says whatever the model: -100 is -inf, and tokens at +100 are
    /// the only ones left (every other token gets -inf). With a grammar the biases stay finite: the grammar already
    /// removes tokens, and a ban or a force on top of it could leave no token at all, which llama.cpp's grammar
    /// cannot accept.
    /// </summary>
    private static LLamaLogitBias[] Biases(SamplingParameters sampling, bool ignoreEos, IReadOnlyList<int> endOfGenerationTokens, int vocabularySize)
    {
        var biases = new Dictionary<int, float>();
        var exact = sampling.Grammar is null;
        var forced = new HashSet<int>();
        foreach (var bias in sampling.LogitBias ?? [])
        {
            if (exact && bias.Bias >= 100f)
            {
                forced.Add(bias.Token);
                continue;
            }

            biases[bias.Token] = exact && bias.Bias <= -100f ? float.NegativeInfinity : bias.Bias;
        }

        if (forced.Count > 0)
        {
            for (var token = 0; token < vocabularySize; token++)
            {
                if (!forced.Contains(token))
                {
                    biases[token] = float.NegativeInfinity;
                }
            }
        }

        if (ignoreEos)
        {
            // As llama-server does for ignore_eos: end-of-generation tokens can never be sampled.
            foreach (var token in endOfGenerationTokens)
            {
                biases[token] = float.NegativeInfinity;
            }
        }

        return [.. biases.Select(b => new LLamaLogitBias { Token = b.Key, Bias = b.Value })];
    }
}

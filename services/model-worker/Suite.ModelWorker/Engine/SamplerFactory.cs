using LLama.Native;
using Suite.Contracts;

namespace Suite.ModelWorker.Engine;

/// <summary>Builds one llama.cpp sampler chain per sequence, so each keeps its own RNG and penalty history.</summary>
internal static class SamplerFactory
{
    public static SafeLLamaSamplerChainHandle Create(
        SamplingParameters sampling,
        bool ignoreEos,
        IReadOnlyList<int> endOfGenerationTokens,
        int vocabularySize,
        int penaltyWindow)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        try
        {
            if (ignoreEos && endOfGenerationTokens.Count > 0)
            {
                // As llama-server does for ignore_eos: end-of-generation tokens can never be sampled.
                var biases = endOfGenerationTokens
                    .Select(t => new LLamaLogitBias { Token = t, Bias = float.NegativeInfinity })
                    .ToArray();
                chain.AddLogitBias(vocabularySize, biases);
            }

            if (sampling.FrequencyPenalty != 0f || sampling.PresencePenalty != 0f)
            {
                chain.AddPenalties(penaltyWindow, 1f, sampling.FrequencyPenalty, sampling.PresencePenalty);
            }

            if (sampling.IsGreedy)
            {
                chain.AddGreedySampler();
                return chain;
            }

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
            return chain;
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }
}

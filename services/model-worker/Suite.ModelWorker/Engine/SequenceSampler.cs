using LLama.Native;
using Suite.ModelWorker.Scheduling;

namespace Suite.ModelWorker.Engine;

/// <summary>
/// One sequence's sampling: a llama.cpp chain (biases, penalties, top-k/top-p, temperature, draw) and, for structured
/// output, a grammar. Applying a grammar to the whole vocabulary at every step costs several times the rest of the
/// step, so this does what llama.cpp's own <c>common_sampler</c> does: sample with the chain alone, ask the grammar
/// whether that one token is allowed, and only when it is not, run the grammar over the whole vocabulary first and
/// sample again. Either way the token obeys the grammar, and both the grammar and the chain accept it.
/// </summary>
internal sealed class SequenceSampler : IDisposable
{
    private readonly SafeLLamaSamplerChainHandle _chain;
    private readonly SafeLLamaSamplerChainHandle? _grammar;
    private readonly LLamaTokenData[] _candidates;
    private readonly LLamaTokenData[] _single = new LLamaTokenData[1];

    public SequenceSampler(SafeLLamaSamplerChainHandle chain, SafeLLamaSamplerChainHandle? grammar, int vocabularySize)
    {
        _chain = chain;
        _grammar = grammar;
        _candidates = grammar is null ? [] : new LLamaTokenData[vocabularySize];
    }

    /// <summary>Grammar rejections of the chain's first pick (a test and tuning diagnostic).</summary>
    public int Resamples { get; private set; }

    public int Sample(SafeLLamaContextHandle context, int index)
    {
        if (_grammar is null)
        {
            return (int)_chain.Sample(context, index);
        }

        var logits = context.GetLogitsIth(index);
        var token = Select(_chain, logits, applyGrammarFirst: false);
        _single[0] = new LLamaTokenData((LLamaToken)token, logits[token], 0f);
        Apply(_grammar, _single);
        if (float.IsNegativeInfinity(_single[0].Logit))
        {
            Resamples++;
            token = Select(_chain, logits, applyGrammarFirst: true);
            _single[0] = new LLamaTokenData((LLamaToken)token, logits[token], 0f);
            Apply(_grammar, _single);
            if (float.IsNegativeInfinity(_single[0].Logit))
            {
                // No token of the vocabulary continues the grammar. Accepting one anyway would make llama.cpp throw
                // across the native boundary and end the process; failing this sequence (not the batch) is recoverable.
                throw new SequenceSamplingException("No token of the vocabulary is allowed by the grammar at this point.");
            }
        }

        Accept(token);
        return token;
    }

    /// <summary>Advances the grammar and the chain over a token chosen elsewhere (an earlier attempt's output).</summary>
    public void Accept(int token)
    {
        _grammar?.Accept((LLamaToken)token);
        _chain.Accept((LLamaToken)token);
    }

    public void Dispose()
    {
        _grammar?.Dispose();
        _chain.Dispose();
    }

    private int Select(SafeLLamaSamplerChainHandle chain, Span<float> logits, bool applyGrammarFirst)
    {
        for (var i = 0; i < logits.Length; i++)
        {
            _candidates[i] = new LLamaTokenData((LLamaToken)i, logits[i], 0f);
        }

        if (applyGrammarFirst)
        {
            Apply(_grammar!, _candidates);
        }

        var array = new LLamaTokenDataArray(_candidates);
        using (LLamaTokenDataArrayNative.Create(array, out var native))
        {
            chain.Apply(ref native);
            return (int)native.Data[(int)native.Selected].ID;
        }
    }

    private static void Apply(SafeLLamaSamplerChainHandle sampler, LLamaTokenData[] candidates)
    {
        var array = new LLamaTokenDataArray(candidates);
        using (LLamaTokenDataArrayNative.Create(array, out var native))
        {
            sampler.Apply(ref native);
        }
    }
}

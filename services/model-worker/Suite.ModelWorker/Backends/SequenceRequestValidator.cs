namespace Suite.ModelWorker.Backends;

/// <summary>
/// The rules every backend applies to a request before queueing it, so a client gets the same answer from a real and
/// a simulated worker: a non-empty prefix of known tokens that leaves room for at least one new token, and sampling
/// constraints that can be applied (biased tokens in the vocabulary, biases in [-100, 100], no grammar with ignore_eos).
/// </summary>
public static class SequenceRequestValidator
{
    /// <summary>Validates <paramref name="request"/> and returns how many new tokens fit the context.</summary>
    public static int Validate(SequenceRequest request, int contextLength, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Prefix);
        ArgumentNullException.ThrowIfNull(request.Sampling);
        if (request.Prefix.Length == 0)
        {
            throw new ArgumentException("The prefix must hold at least one token.", nameof(request));
        }

        if (request.Prefix.Length + 1 > contextLength)
        {
            throw new ArgumentException(
                $"The prefix has {request.Prefix.Length} tokens; with at least one new token it does not fit the context of {contextLength}.",
                nameof(request));
        }

        if (request.MaxNewTokens < 1)
        {
            throw new ArgumentException($"MaxNewTokens must be at least 1, not {request.MaxNewTokens}.", nameof(request));
        }

        foreach (var token in request.Prefix)
        {
            if ((uint)token >= (uint)vocabularySize)
            {
                throw new ArgumentException($"Token {token} is outside the vocabulary (0..{vocabularySize - 1}).", nameof(request));
            }
        }

        if (request.ResumedTokens < 0 || request.ResumedTokens >= request.Prefix.Length)
        {
            throw new ArgumentException($"ResumedTokens must be 0..{request.Prefix.Length - 1}, not {request.ResumedTokens}.", nameof(request));
        }

        if (request.Sampling.LogitBias is { } biases)
        {
            if (biases.FirstOrDefault(b => (uint)b.Token >= (uint)vocabularySize) is { } outside)
            {
                throw new ConstraintRejectedException($"Token id {outside.Token} in logit_bias is outside the vocabulary (0..{vocabularySize - 1}).", "logit_bias");
            }

            if (biases.FirstOrDefault(b => !(b.Bias is >= -100f and <= 100f)) is { } wild)
            {
                throw new ConstraintRejectedException($"The bias {wild.Bias} for token {wild.Token} is outside [-100, 100].", "logit_bias");
            }
        }

        if (request.Sampling.Grammar is not null && request.IgnoreEos)
        {
            // A finished grammar allows only the end-of-generation token, which ignore_eos forbids: no token would be left.
            throw new ConstraintRejectedException("A grammar (structured output) cannot be combined with ignore_eos.", "ignore_eos");
        }

        return Math.Min(request.MaxNewTokens, contextLength - request.Prefix.Length);
    }
}

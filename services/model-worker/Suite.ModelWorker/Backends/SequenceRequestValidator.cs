namespace Suite.ModelWorker.Backends;

/// <summary>
/// The rules every backend applies to a request before queueing it, so a client gets the same answer from a real and
/// a simulated worker: a non-empty prefix of known tokens that leaves room for at least one new token.
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

        if (request.Sampling.LogitBias is { } biases && biases.FirstOrDefault(b => (uint)b.Token >= (uint)vocabularySize) is { } outside)
        {
            throw new ConstraintRejectedException($"Token id {outside.Token} in logit_bias is outside the vocabulary (0..{vocabularySize - 1}).", "logit_bias");
        }

        return Math.Min(request.MaxNewTokens, contextLength - request.Prefix.Length);
    }
}

namespace Suite.ModelWorker.Backends;

/// <summary>
/// A sequence's sampling constraint (grammar or logit bias) that the backend cannot apply: a grammar llama.cpp cannot
/// parse, a biased token outside the vocabulary, or a backend that cannot constrain decoding at all.
/// <see cref="Parameter"/> is the request field a client would fix.
/// </summary>
public sealed class ConstraintRejectedException(string message, string parameter) : Exception(message)
{
    public string Parameter { get; } = parameter;
}

namespace Suite.Contracts;

/// <summary>
/// Command from the gateway (or a queue producer) to the tokenizer: render and encode the input once, then hand the
/// token IDs to the router. Every later message about this request goes to <see cref="ReplyAddress"/>. A failed-over
/// request comes back here with a <see cref="Continuation"/>: encoding is deterministic, so the prompt tokens are the same.
/// </summary>
public sealed record PrepareGeneration(
    Guid RequestId,
    string Model,
    GenerationInput Input,
    SamplingParameters Sampling,
    GenerationLimits Limits,
    Uri ReplyAddress,
    int Priority,
    DateTimeOffset AcceptedAt,
    Continuation Continuation);

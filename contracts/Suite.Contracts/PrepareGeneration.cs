namespace Suite.Contracts;

/// <summary>
/// Command from the gateway (or a queue producer) to the tokenizer: render and encode the input once, then hand the
/// token IDs to the router. Every later message about this request goes to <see cref="ReplyAddress"/>. A failed-over
/// request comes back here with a <see cref="Continuation"/>: encoding is deterministic, so the prompt tokens are the same.
/// <see cref="Placement"/> restricts the pools and backends that may serve it (null: any). With
/// <see cref="HoldForAdmission"/> the encoded request goes back to <see cref="ReplyAddress"/> as
/// <see cref="GenerationPrepared"/> instead of on to the router (the gateway admits it by its real token count first).
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
    Continuation Continuation,
    Placement? Placement = null,
    bool HoldForAdmission = false);

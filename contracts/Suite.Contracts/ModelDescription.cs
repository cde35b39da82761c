namespace Suite.Contracts;

/// <summary>What a client may know about a served model; shown by /v1/models. <c>Chat</c>: what its chat template says about its output.</summary>
public sealed record ModelDescription(
    string Id,
    string OwnedBy,
    int ContextLength,
    int VocabularySize,
    bool SmokeTestModel,
    string Description,
    DateTimeOffset CreatedAt,
    ChatTemplateFeatures? Chat = null);

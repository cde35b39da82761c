using System.Diagnostics;
using Suite.Contracts;

namespace Suite.Gateway.Sessions;

/// <summary>What the gateway learns about a request while serving it; becomes one <see cref="RequestCompleted"/> event.</summary>
internal sealed class SessionOutcome(GenerationRequest request, string endpoint)
{
    private GenerationCompleted? _completed;
    private string _backend = string.Empty;
    private string _worker = string.Empty;
    private int _tokens;
    private int _chunks;

    public int Status { get; set; } = 200;

    public GenerationCompleted? Completed => _completed;

    public GenerationFailed? Failed { get; private set; }

    public int GeneratedTokens => _completed?.CompletionTokens ?? _tokens;

    public string Backend => _backend;

    public string Worker => _worker;

    public void Observe(GenerationFailed failed)
    {
        Failed = failed;
        Status = failed.Error.StatusCode;
    }

    public void Observe(TokensGenerated chunk)
    {
        _backend = chunk.Backend;
        _worker = chunk.WorkerId;
        _tokens += chunk.Tokens.Length;
        _chunks++;
    }

    public void Observe(GenerationCompleted completed)
    {
        _completed = completed;
        _backend = completed.Backend;
        _worker = completed.WorkerId;
    }

    public RequestCompleted ToEvent(GenerationSession run, long now)
    {
        var timings = _completed?.Timings;
        return new RequestCompleted(
            run.RequestId,
            request.Model,
            _backend,
            _worker,
            endpoint,
            Status,
            _completed?.FinishReason ?? (Status == 499 ? FinishReason.Cancelled : null),
            _completed?.PromptTokens ?? 0,
            _completed?.CompletionTokens ?? _tokens,
            run.FirstTokenTimestamp is { } first ? run.SecondsSinceAccepted(first) : null,
            run.SecondsSinceAccepted(now),
            timings?.QueueSeconds ?? 0,
            timings?.PrefillSeconds ?? 0,
            timings?.DecodeSeconds ?? 0,
            timings?.InterTokenSeconds ?? [],
            DateTimeOffset.UtcNow,
            _chunks,
            _completed?.Attempt ?? 1,
            run.Stream.MessageShare,
            run.Admission.Caller.IsAnonymous ? null : run.Admission.Caller.TenantId,
            run.Admission.Caller.KeyId);
    }
}

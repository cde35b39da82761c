namespace Suite.Telemetry.Dashboard;

/// <summary>
/// What the dashboard takes from one finished request. <see cref="CachedPromptTokens"/> is null while no component
/// reports prefix-cache hits; the cache-hit panel appears only once some request carries it.
/// </summary>
public sealed record RequestSample(
    string WorkerId,
    int StatusCode,
    double? TimeToFirstTokenSeconds,
    float[] InterTokenSeconds,
    int PromptTokens,
    int CompletionTokens,
    int? CachedPromptTokens = null)
{
    public static RequestSample From(Suite.Contracts.RequestCompleted e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new RequestSample(e.WorkerId, e.StatusCode, e.TimeToFirstTokenSeconds, e.InterTokenSeconds, e.PromptTokens, e.CompletionTokens);
    }
}

using Prometheus;
using Suite.Contracts;

namespace Suite.Telemetry.Metrics;

/// <summary>
/// Usage per tenant and key, by model and backend, for chargeback dashboards: <c>suite:tenant_requests_total</c>
/// (with <c>outcome</c> success or error), <c>suite:tenant_prompt_tokens_total</c>, <c>suite:tenant_generation_tokens_total</c>.
/// Cardinality is bounded: the first <see cref="MaxTenantKeys"/> (tenant, key) pairs seen keep their labels, later
/// ones are counted under <c>tenant="other", key="other"</c>. Requests without a tenant (no keys configured) are not counted here.
/// </summary>
public sealed class TenantUsageMetrics
{
    /// <summary>Distinct (tenant, key) label pairs kept before folding into "other".</summary>
    public const int MaxTenantKeys = 200;

    private static readonly string[] Labels = ["tenant", "key", "model_name", "backend"];
    private readonly Counter _requests;
    private readonly Counter _promptTokens;
    private readonly Counter _generationTokens;
    private readonly HashSet<(string, string)> _seen = [];
    private readonly Lock _lock = new();

    public TenantUsageMetrics(IMetricFactory factory)
    {
        _requests = factory.CreateCounter(VllmNames.Internal("suite:tenant_requests_total"), "Requests per tenant and API key, by model, backend and outcome (success or error).", new CounterConfiguration { LabelNames = [.. Labels, "outcome"] });
        _promptTokens = factory.CreateCounter(VllmNames.Internal("suite:tenant_prompt_tokens_total"), "Prompt tokens per tenant and API key, by model and backend.", new CounterConfiguration { LabelNames = Labels });
        _generationTokens = factory.CreateCounter(VllmNames.Internal("suite:tenant_generation_tokens_total"), "Generated tokens per tenant and API key, by model and backend.", new CounterConfiguration { LabelNames = Labels });
    }

    public void Record(RequestCompleted e)
    {
        if (e.Tenant is not { } tenant)
        {
            return;
        }

        var (t, k) = Bounded(tenant, e.KeyId ?? string.Empty);
        var backend = e.Backend.Length == 0 ? "none" : e.Backend;
        _requests.WithLabels(t, k, e.Model, backend, e.StatusCode >= 400 ? "error" : "success").Inc();
        if (e.PromptTokens > 0)
        {
            _promptTokens.WithLabels(t, k, e.Model, backend).Inc(e.PromptTokens);
        }

        if (e.CompletionTokens > 0)
        {
            _generationTokens.WithLabels(t, k, e.Model, backend).Inc(e.CompletionTokens);
        }
    }

    private (string Tenant, string Key) Bounded(string tenant, string key)
    {
        lock (_lock)
        {
            if (_seen.Contains((tenant, key)) || (_seen.Count < MaxTenantKeys && _seen.Add((tenant, key))))
            {
                return (tenant, key);
            }
        }

        return ("other", "other");
    }
}

using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using Suite.Contracts;

namespace Suite.Gateway.Models;

/// <summary>
/// Which models are served, as the router sees them, cached briefly so a request does not pay a bus round trip.
/// An unknown model forces one refresh before the gateway answers 404, so a worker that just came up is found.
/// </summary>
public sealed class ModelDirectory(IClientFactory clients, IOptions<GatewayOptions> options)
{
    // From the bus's client factory, not the scoped IRequestClient: this directory lives as long as the process.
    private readonly IRequestClient<GetModels> _client = clients.CreateRequestClient<GetModels>(QueueNames.Address(QueueNames.Router));
    private readonly long _ttl = (long)(options.Value.ModelsCacheSeconds * Stopwatch.Frequency);
    private ModelsListed? _cached;
    private long _fetchedAt;

    public async Task<ModelsListed> GetAsync(bool includeWorkers, CancellationToken cancellationToken)
    {
        if (!includeWorkers && _cached is { } cached && Stopwatch.GetTimestamp() - _fetchedAt < _ttl)
        {
            return cached;
        }

        var response = await _client.GetResponse<ModelsListed>(new GetModels(includeWorkers), cancellationToken, RequestTimeout.After(s: 5)).ConfigureAwait(false);
        _cached = response.Message;
        _fetchedAt = Stopwatch.GetTimestamp();
        return response.Message;
    }

    public async Task<bool> IsServedAsync(string model, CancellationToken cancellationToken)
    {
        var models = await GetAsync(false, cancellationToken).ConfigureAwait(false);
        if (models.Models.Any(m => m.Model.Id == model))
        {
            return true;
        }

        _fetchedAt = 0;
        models = await GetAsync(false, cancellationToken).ConfigureAwait(false);
        return models.Models.Any(m => m.Model.Id == model);
    }
}

using Suite.Distributed.Tests.Infrastructure;

namespace Suite.Distributed.Tests.Pipeline;

/// <summary>A broker of its own for the pipeline transport tests.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public Broker Broker { get; } = new();

    public async ValueTask InitializeAsync() => await Broker.StartAsync();

    public async ValueTask DisposeAsync() => await Broker.DisposeAsync();
}

namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>A distributed suite of its own for the test that restarts the broker (see <see cref="BrokerRestartTests"/>).</summary>
[CollectionDefinition(Name)]
public sealed class BrokerRestartCollection : ICollectionFixture<DistributedSuiteFixture>
{
    public const string Name = "distributed suite, broker restart";
}

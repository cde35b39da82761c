namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>The tenancy tests share one fleet with two gateways, PostgreSQL and Redis, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class TenancyFleetCollection : ICollectionFixture<TenancyFleetFixture>
{
    public const string Name = "tenancy fleet";
}

namespace Suite.Dashboard.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class DashboardSuiteCollection : ICollectionFixture<DashboardSuiteFixture>
{
    public const string Name = "dashboard suite";
}

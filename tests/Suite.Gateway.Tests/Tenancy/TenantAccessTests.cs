using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Tests.Tenancy;

public sealed class TenantAccessTests
{
    private static readonly TenantAccess Tenant = new(["m1", "m2"], ["cann-a", "cann-b"], ["cann"]);

    [Fact]
    public void Within_KeyLeavesAListOpen_TakesTheTenants()
    {
        var key = new TenantAccess(["m1"], [], []);

        var effective = key.Within(Tenant);

        Assert.Equal(["m1"], effective.Models);
        Assert.Equal(["cann-a", "cann-b"], effective.Pools);
        Assert.Equal(["cann"], effective.Backends);
        Assert.False(effective.AllowsModel("m2"));
        Assert.Equal("pools cann-a, cann-b; backends cann", effective.Placement()!.Describe());
    }

    [Fact]
    public void Exceeds_KeyNamingWhatTheTenantDoesNotAllow_SaysWhat()
    {
        Assert.Null(new TenantAccess(["m2"], ["cann-b"], []).Exceeds(Tenant));
        Assert.Contains("cuda", new TenantAccess([], [], ["cuda"]).Exceeds(Tenant), StringComparison.Ordinal);
        Assert.Contains("m3", new TenantAccess(["m1", "m3"], [], []).Exceeds(Tenant), StringComparison.Ordinal);
        Assert.Null(new TenantAccess(["anything"], ["any"], ["cuda"]).Exceeds(TenantAccess.Any));
    }

    [Fact]
    public void Placement_NoPoolOrBackendNamed_IsNull()
    {
        Assert.Null(new TenantAccess(["m1"], [], []).Placement());
    }

    [Fact]
    public void Priority_ClientAsksAboveItsTier_GetsTheTiersCeiling()
    {
        var options = new TenancyOptions();
        var standard = TestTenants.Caller();
        var high = Caller.ForTenant(TestTenants.Tenant(tier: TenantTier.High));
        var low = Caller.ForTenant(TestTenants.Tenant(tier: TenantTier.Low));

        Assert.Equal(0, standard.Priority(1000, options));
        Assert.Equal(-5, standard.Priority(-5, options));
        Assert.Equal(10, high.Priority(1000, options));
        Assert.Equal(3, high.Priority(3, options));
        Assert.Equal(-1, low.Priority(0, options));
    }
}

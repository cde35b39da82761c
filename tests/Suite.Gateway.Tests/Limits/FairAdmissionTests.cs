using Microsoft.Extensions.Options;
using Suite.Gateway.Limits;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Tests.Limits;

public sealed class FairAdmissionTests
{
    private const string Model = "m";
    private readonly FleetCapacity _capacity = new(Options.Create(new GatewayOptions()), TimeProvider.System);

    [Fact]
    public void Enter_NoHeartbeatHeardForTheModel_NothingWaits()
    {
        var admission = Admission();

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(AdmissionResult.Granted, admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _));
        }
    }

    [Fact]
    public void Exit_FleetFullAndAFloodWaiting_LetsTheOtherTenantInFirst()
    {
        _capacity.Observe("w1", Model, 2);
        var admission = Admission();
        var order = new List<string>();
        var held = new List<AdmissionTicket>();
        for (var i = 0; i < 2; i++)
        {
            admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out var ticket, out _);
            held.Add(ticket!);
        }

        for (var i = 0; i < 10; i++)
        {
            var name = $"a{i}";
            Assert.Equal(AdmissionResult.Queued, admission.Enter(Model, "a", TenantTier.Standard, t => { order.Add(name); held.Add(t); }, out _, out _));
        }

        admission.Exit(held[0]);
        admission.Enter(Model, "b", TenantTier.Standard, t => { order.Add("b0"); held.Add(t); }, out _, out _);
        admission.Exit(held[1]);
        admission.Exit(held[2]);

        Assert.Equal(["a0", "b0", "a1"], order);
        Assert.Equal((2, 8), admission.Load(Model));
    }

    [Fact]
    public void Enter_TenantLineFull_IsRefusedWhileOthersStillQueue()
    {
        _capacity.Observe("w1", Model, 1);
        var admission = Admission(new AdmissionOptions { MaxQueuedPerTenant = 2 });
        admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _);

        Assert.Equal(AdmissionResult.Queued, admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _));
        Assert.Equal(AdmissionResult.Queued, admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _));
        Assert.Equal(AdmissionResult.Refused, admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _));
        Assert.Equal(AdmissionResult.Queued, admission.Enter(Model, "b", TenantTier.Standard, _ => { }, out _, out _));
    }

    [Fact]
    public void Observe_AWorkerJoins_LetsWaitingRequestsIn()
    {
        _capacity.Observe("w1", Model, 1);
        var admission = Admission();
        admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _);
        var granted = 0;
        admission.Enter(Model, "a", TenantTier.Standard, _ => granted++, out _, out _);

        _capacity.Observe("w2", Model, 4);

        Assert.Equal(1, granted);
    }

    [Fact]
    public async Task EnterAsync_WaitedTooLong_IsNullAndLeavesNoTrace()
    {
        _capacity.Observe("w1", Model, 1);
        var admission = new FairAdmission(_capacity, Options.Create(new AdmissionOptions { MaxWaitSeconds = 0.2 }), Options.Create(new TenancyOptions()));
        var caller = Caller.ForTenant(new Tenant("a", "a", TenantTier.Standard, TenantAccess.Any, TenantLimits.None, DateTimeOffset.UnixEpoch));
        var first = await admission.EnterAsync(Model, caller, TestContext.Current.CancellationToken);

        var second = await admission.EnterAsync(Model, caller, TestContext.Current.CancellationToken);
        admission.Exit(first!);
        admission.Exit(first!);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal((0, 0), admission.Load(Model));
    }

    [Fact]
    public void Enter_OneTenantFloodsWhileAnotherIsActive_KeepsTheReservedPlacesForTheOther()
    {
        _capacity.Observe("w1", Model, 16);
        var admission = Admission(new AdmissionOptions { ReservedPerWorker = 3 });
        Assert.Equal(AdmissionResult.Granted, admission.Enter(Model, "b", TenantTier.Standard, _ => { }, out var first, out _));
        admission.Exit(first!);

        var granted = Enumerable.Range(0, 40).Count(i => admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _) == AdmissionResult.Granted);

        Assert.Equal(13, granted);
        Assert.Equal(AdmissionResult.Granted, admission.Enter(Model, "b", TenantTier.Standard, _ => { }, out _, out _));
        Assert.Equal(AdmissionResult.Granted, admission.Enter(Model, "b", TenantTier.Standard, _ => { }, out _, out _));
        Assert.Equal(AdmissionResult.Granted, admission.Enter(Model, "b", TenantTier.Standard, _ => { }, out _, out _));
        Assert.Equal(AdmissionResult.Queued, admission.Enter(Model, "b", TenantTier.Standard, _ => { }, out _, out _));
        Assert.Equal((16, 28), admission.Load(Model));
    }

    [Fact]
    public void Exit_AReservedPlaceFrees_GoesToTheSmallerTenantNotTheFlood()
    {
        _capacity.Observe("w1", Model, 16);
        var admission = Admission(new AdmissionOptions { ReservedPerWorker = 3 });
        admission.Enter(Model, "b", TenantTier.Standard, _ => { }, out var probe, out _);
        admission.Exit(probe!);
        for (var i = 0; i < 20; i++)
        {
            admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _);
        }

        var held = new List<AdmissionTicket>();
        for (var i = 0; i < 3; i++)
        {
            admission.Enter(Model, "b", TenantTier.Standard, _ => { }, out var ticket, out _);
            held.Add(ticket!);
        }

        var order = new List<string>();
        admission.Enter(Model, "b", TenantTier.Standard, t => order.Add("b"), out _, out _);

        admission.Exit(held[0]);

        Assert.Equal(["b"], order);
        Assert.Equal((16, 7), admission.Load(Model));
    }

    [Fact]
    public void Enter_ASingleTenant_HasEveryPlace()
    {
        _capacity.Observe("w1", Model, 16);
        var admission = Admission(new AdmissionOptions { ReservedPerWorker = 3 });

        var granted = Enumerable.Range(0, 40).Count(i => admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _) == AdmissionResult.Granted);

        Assert.Equal(16, granted);
    }

    [Fact]
    public void Enter_TheOtherTenantQuietForLongerThanTheWindow_TheFloodHasEveryPlace()
    {
        var clock = new ManualClock();
        var capacity = new FleetCapacity(Options.Create(new GatewayOptions { WorkerTimeoutSeconds = 1_000_000 }), clock);
        capacity.Observe("w1", Model, 16);
        var admission = new FairAdmission(capacity, new AdmissionOptions { ReservedPerWorker = 3, ReserveWindowSeconds = 60 }, new TenancyOptions(), synchronousGrants: true);
        admission.Enter(Model, "b", TenantTier.Standard, _ => { }, out var ticket, out _);
        admission.Exit(ticket!);

        clock.Advance(TimeSpan.FromSeconds(61));
        var granted = Enumerable.Range(0, 40).Count(i => admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _) == AdmissionResult.Granted);

        Assert.Equal(16, granted);
    }

    [Fact]
    public void Snapshot_TwoTenantsOnAFullFleet_ShowsSlotsReserveAndPlaces()
    {
        _capacity.Observe("w1", Model, 4);
        _capacity.Observe("w2", Model, 4);
        var admission = Admission(new AdmissionOptions { ReservedPerWorker = 1 });
        admission.Enter(Model, "b", TenantTier.Standard, _ => { }, out _, out _);
        for (var i = 0; i < 10; i++)
        {
            admission.Enter(Model, "a", TenantTier.Standard, _ => { }, out _, out _);
        }

        // 8 places, the last 2 kept for a tenant holding fewer than the busiest: the first 6 went to b (1) and a (5),
        // and a's other 5 wait.
        Assert.Equal(new AdmissionSnapshot(Model, 8, 2, 8, 2, 6, 5, 2, 5), Assert.Single(admission.Snapshot()));
    }

    private FairAdmission Admission(AdmissionOptions? options = null)
        => new(_capacity, options ?? new AdmissionOptions(), new TenancyOptions(), synchronousGrants: true);

    private sealed class ManualClock : TimeProvider
    {
        private long _now = 1;

        public override long GetTimestamp() => _now;

        public void Advance(TimeSpan by) => _now += (long)(by.TotalSeconds * TimestampFrequency);
    }
}

using Suite.ModelWorker.Backends.Sim;

namespace Suite.ModelWorker.Tests.Sim;

public sealed class SimulatedHardwareProfilesTests
{
    [Fact]
    public void All_ShipsTheRequiredDevices()
    {
        var names = SimulatedHardwareProfiles.All.Select(p => p.Name).ToList();

        Assert.Equal(["h100-sxm", "h200", "ascend-910b", "ascend-910c", "cpu-32c"], names);
        Assert.Same(SimulatedHardwareProfiles.Ascend910C, SimulatedHardwareProfiles.Get(" ASCEND-910C "));
        Assert.Contains("h100-sxm", Assert.Throws<ArgumentException>(() => SimulatedHardwareProfiles.Get("tpu")).Message);
    }

    [Fact]
    public void EveryFigure_HasASourceAndASaneValue()
    {
        foreach (var profile in SimulatedHardwareProfiles.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(profile.Device));
            Assert.False(string.IsNullOrWhiteSpace(profile.ReferenceModel));
            Assert.Equal(profile.Figures.Count, profile.Sources.Count); // names are unique within a profile
            foreach (var figure in profile.Figures)
            {
                Assert.False(string.IsNullOrWhiteSpace(figure.Name), $"{profile.Name}: a figure has no name");
                Assert.False(string.IsNullOrWhiteSpace(figure.Unit), $"{profile.Name}/{figure.Name}: no unit");
                Assert.True(figure.Source.Trim().Length >= 20, $"{profile.Name}/{figure.Name}: no real source");
                Assert.True(double.IsFinite(figure.Value) && figure.Value >= 0, $"{profile.Name}/{figure.Name}: bad value {figure.Value}");
            }

            // The six numbers the simulator runs on must be positive, and derived ones must say so.
            Assert.All(profile.Figures.Take(6), f => Assert.True(f.Value > 0, $"{profile.Name}/{f.Name} is not positive"));
            Assert.True(profile.PrefillTokensPerSecond.Estimate);
            Assert.True(profile.DecodeBaseMilliseconds.Estimate);
            Assert.True(profile.DecodePerSequenceMilliseconds.Estimate);
            Assert.True(profile.KvCapacityTokens.Estimate);
        }
    }

    [Fact]
    public void DecodeStep_IsBasePlusPerSequence()
    {
        var h100 = SimulatedHardwareProfiles.H100Sxm;

        Assert.Equal(0, h100.DecodeStepSeconds(0));
        Assert.Equal((h100.DecodeBaseMilliseconds.Value + (8 * h100.DecodePerSequenceMilliseconds.Value)) / 1000, h100.DecodeStepSeconds(8), 12);
        Assert.Equal(h100.DecodeStepSeconds(2) + (100 / h100.PrefillTokensPerSecond.Value), h100.StepSeconds(2, 100), 12);

        // Sanity of the derivation: H200 decodes faster than H100 (more bandwidth), the CPU far slower than any accelerator.
        Assert.True(SimulatedHardwareProfiles.H200.DecodeStepSeconds(1) < h100.DecodeStepSeconds(1));
        Assert.True(SimulatedHardwareProfiles.Cpu32Core.DecodeStepSeconds(1) > 5 * SimulatedHardwareProfiles.Ascend910B.DecodeStepSeconds(1));
    }
}

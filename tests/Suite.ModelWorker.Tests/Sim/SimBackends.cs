using System.Collections.Concurrent;
using Suite.ModelWorker.Backends.Sim;

namespace Suite.ModelWorker.Tests.Sim;

/// <summary>Builds simulated backends on the smoke model's vocabulary, read once per file and shared.</summary>
internal static class SimBackends
{
    private static readonly ConcurrentDictionary<string, SimulatedVocabulary> Vocabularies = new(StringComparer.Ordinal);

    public static SimulatedVocabulary Vocabulary(SmokeModelFixture fixture) =>
        Vocabularies.GetOrAdd(fixture.Model.Path, SimulatedVocabulary.FromGguf);

    public static SimulatedBackend Create(
        SmokeModelFixture fixture,
        SimulatedHardwareProfile? profile = null,
        Func<SimulatedBackendOptions, SimulatedBackendOptions>? configure = null)
    {
        var options = new SimulatedBackendOptions
        {
            Profile = profile ?? SimulatedHardwareProfiles.H100Sxm,
            ModelPath = fixture.Model.Path,
            Vocabulary = Vocabulary(fixture),
            Model = fixture.Model.Description,
            TimeScale = 0.01,
        };
        return new SimulatedBackend(configure is null ? options : configure(options));
    }

    /// <summary>A prompt of ordinary tokens that differs with <paramref name="seed"/>.</summary>
    public static int[] Prompt(int length, int seed = 0) =>
        [.. Enumerable.Range(0, length).Select(i => 100 + ((i * 7919) + (seed * 104729)) % 40000)];
}

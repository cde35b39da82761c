using Suite.Contracts;
using Suite.ModelWorker.Backends;

namespace Suite.ModelWorker.Tests;

/// <summary>Helpers to schedule sequences and collect their tokens and outcomes.</summary>
internal static class SequenceRunner
{
    public static SequenceRequest Greedy(int[] prefix, int maxNewTokens, bool ignoreEos = false, int priority = 0) =>
        new(Guid.NewGuid(), prefix, SamplingParameters.Greedy, maxNewTokens, ignoreEos, priority);

    public static async Task<(List<int> Tokens, SequenceOutcome Outcome)> CollectAsync(ISequence sequence)
    {
        var tokens = new List<int>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var token in sequence.Tokens.ReadAllAsync(timeout.Token))
        {
            tokens.Add(token);
        }

        return (tokens, await sequence.Completion.WaitAsync(timeout.Token));
    }

    public static Task<(List<int> Tokens, SequenceOutcome Outcome)> RunAsync(IInferenceBackend backend, SequenceRequest request) =>
        CollectAsync(backend.Schedule(request));
}

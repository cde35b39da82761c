using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Scheduling;

namespace Suite.ModelWorker.Tests.Scheduling;

/// <summary>Drives a <see cref="BatchScheduler"/> step by step on a fake clock, as a backend's loop would.</summary>
internal sealed class SchedulerHarness
{
    public SchedulerHarness(Func<SchedulerOptions, SchedulerOptions>? configure = null)
    {
        var options = new SchedulerOptions
        {
            MaxSequences = 4,
            ContextLength = 256,
            KvCapacityTokens = 4 * 256,
            BatchSize = 64,
            BlockTokens = 16,
            Model = "test-model",
        };
        Scheduler = new BatchScheduler(configure is null ? options : configure(options), Executor, vocabularySize: 50_000);
    }

    public ScriptedExecutor Executor { get; } = new();

    public BatchScheduler Scheduler { get; }

    public double Now { get; private set; }

    public List<KvOperation> Operations { get; } = [];

    public ScheduledSequence Add(int[] prompt, int maxNew = 4, int priority = 0) =>
        Scheduler.Schedule(new SequenceRequest(Guid.NewGuid(), prompt, SamplingParameters.Greedy, maxNew, Priority: priority), Now, static () => { });

    /// <summary>One loop iteration: drop cancelled, admit, plan, finish. Returns the plan's entries (empty when idle).</summary>
    public List<StepEntry> Step()
    {
        Now += 0.01;
        Scheduler.DropCancelled(Now);
        Scheduler.Admit(Now, Now);
        var plan = Scheduler.Plan();
        TakeOperations();
        if (plan is null)
        {
            return [];
        }

        var entries = plan.Entries.ToList();
        Scheduler.Finish(plan, Now);
        TakeOperations();
        return entries;
    }

    public void RunUntilIdle(int maxSteps = 1000)
    {
        for (var i = 0; i < maxSteps && (Scheduler.RunningCount > 0 || Scheduler.WaitingCount > 0); i++)
        {
            Step();
        }
    }

    /// <summary>The outcome of a sequence that must have ended.</summary>
    public static SequenceOutcome Outcome(ScheduledSequence sequence)
    {
        Assert.True(sequence.Completion.IsCompleted, "the sequence should have ended");
        return sequence.Completion.Result;
    }

    public static int[] Prompt(int length, int seed = 0) =>
        [.. Enumerable.Range(0, length).Select(i => 100 + ((i * 7919) + (seed * 104729)) % 40000)];

    private void TakeOperations() => Scheduler.ApplyKvOperations(Operations.Add);
}

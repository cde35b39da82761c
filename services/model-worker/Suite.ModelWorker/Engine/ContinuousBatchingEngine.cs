using System.Diagnostics;
using LLama.Native;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Backends.LlamaCpp;
using Suite.ModelWorker.Scheduling;

namespace Suite.ModelWorker.Engine;

/// <summary>
/// Runs the shared <see cref="BatchScheduler"/>'s steps on one llama.cpp context. A dedicated thread loops: drop
/// cancelled sequences, admit waiting ones, apply the planned KV cell operations (<c>llama_memory_seq_cp</c> /
/// <c>_seq_rm</c>), build one batch from the plan, decode it, then sample every sequence that has logits and hand the
/// tokens back to the scheduler, which streams them. It sleeps on a signal when idle. Slot i is llama.cpp sequence i;
/// with the prefix cache, sequences after the slots are holder lanes that keep cached blocks (unified KV cache).
/// </summary>
internal sealed class ContinuousBatchingEngine : IDisposable, IStepExecutor
{
    private readonly SafeLLamaContextHandle _context;
    private readonly LlamaCppVocabulary _vocabulary;
    private readonly BatchScheduler _scheduler;
    private readonly AutoResetEvent _signal = new(false);
    private readonly Thread _thread;
    private readonly LLamaBatch _batch = new();
    private readonly long _start = Stopwatch.GetTimestamp();
    private int[] _batchIndex = new int[64];
    private volatile bool _stopping;

    private readonly IntPtr _nativeVocabulary;

    public ContinuousBatchingEngine(SafeLLamaContextHandle context, LlamaCppVocabulary vocabulary, SchedulerOptions options, IntPtr nativeVocabulary = default)
    {
        _context = context;
        _nativeVocabulary = nativeVocabulary;
        _vocabulary = vocabulary;
        _scheduler = new BatchScheduler(options, this, vocabulary.Count);
        _thread = new Thread(Run) { IsBackground = true, Name = "llama-engine" };
        _thread.Start();
    }

    public BatchScheduler Scheduler => _scheduler;

    public ISequence Schedule(SequenceRequest request)
    {
        var sequence = _scheduler.Schedule(request, Now(), Signal);
        Signal();
        return sequence;
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _scheduler.Stop();
        _stopping = true;
        Signal();
        _thread.Join();
        _signal.Dispose();
        _batch.Clear();
    }

    /// <summary>
    /// Cells llama.cpp still holds for each lane (from its position range). Diagnostic for tests: read it only while
    /// no sequence runs, as the engine thread is then asleep.
    /// </summary>
    internal long CountKvCells(int firstLane, int lanes)
    {
        long cells = 0;
        for (var lane = firstLane; lane < firstLane + lanes; lane++)
        {
            var max = (int)_context.MemorySequenceMaxPosition((LLamaSeqId)lane);
            var min = (int)_context.MemorySequenceMinPosition((LLamaSeqId)lane);
            if (max >= 0 && min >= 0)
            {
                cells += max - min + 1;
            }
        }

        return cells;
    }

    IDisposable? IStepExecutor.CreateState(ScheduledSequence sequence) => SamplerFactory.Create(
        sequence.Request.Sampling,
        sequence.Request.IgnoreEos,
        _vocabulary.EndOfGenerationTokens,
        _vocabulary.Count,
        _scheduler.Options.ContextLength,
        _nativeVocabulary,
        sequence.Request.Prefix.AsSpan(sequence.Request.Prefix.Length - sequence.Request.ResumedTokens));

    SampledToken IStepExecutor.Sample(ScheduledSequence sequence, int entry)
    {
        var sampler = (SequenceSampler)sequence.ExecutorState!;
        var token = sampler.Sample(_context, _batchIndex[entry]);
        return new SampledToken(token, _vocabulary.IsEndOfGeneration(token));
    }

    private double Now() => Stopwatch.GetElapsedTime(_start).TotalSeconds;

    private void Signal()
    {
        try
        {
            _signal.Set();
        }
        catch (ObjectDisposedException)
        {
            // Cancelling after disposal: nothing is left to wake.
        }
    }

    private void Run()
    {
        while (!_stopping)
        {
            StepPlan? plan = null;
            try
            {
                var now = Now();
                _scheduler.DropCancelled(now);
                _scheduler.Admit(now, now);
                ApplyKvOperations();
                plan = _scheduler.Plan();
                if (plan is null)
                {
                    _signal.WaitOne();
                    continue;
                }

                Step(plan);
            }
            catch (Exception e)
            {
                _scheduler.FailRunning($"Engine failure: {e.GetType().Name}: {e.Message}", Now());
                TryApplyKvOperations();
            }
        }

        _scheduler.FailRunning(null, Now());
        TryApplyKvOperations();
        _scheduler.Shutdown(null, Now());
    }

    private void Step(StepPlan plan)
    {
        _batch.Clear();
        var entries = plan.Entries;
        if (_batchIndex.Length < entries.Count)
        {
            _batchIndex = new int[Math.Max(entries.Count, _batchIndex.Length * 2)];
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var history = entry.Sequence.History;
            var lane = (LLamaSeqId)entry.Sequence.Slot;
            for (var t = 0; t < entry.Count; t++)
            {
                var position = entry.Start + t;
                var logits = entry.Sample && t == entry.Count - 1;
                var index = _batch.Add(history[position], position, lane, logits);
                if (logits)
                {
                    _batchIndex[i] = index;
                }
            }
        }

        var result = _context.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            _scheduler.Fail(plan, $"llama_decode failed: {result} ({(int)result}).", Now());
            TryApplyKvOperations();
            return;
        }

        _scheduler.Finish(plan, Now());
    }

    private void ApplyKvOperations() => _scheduler.ApplyKvOperations(Apply);

    private void Apply(KvOperation operation)
    {
        if (operation.Kind == KvOperationKind.Copy)
        {
            _context.MemorySequenceCopy((LLamaSeqId)operation.Source, (LLamaSeqId)operation.Target, operation.From, operation.To);
        }
        else
        {
            _context.MemorySequenceRemove((LLamaSeqId)operation.Target, operation.From, operation.To);
        }
    }

    private void TryApplyKvOperations()
    {
        try
        {
            ApplyKvOperations();
        }
        catch (Exception)
        {
            // On failure paths: the operations are dropped and the released sequences completed all the same; the next
            // application starts from the scheduler's current plan.
        }
    }
}

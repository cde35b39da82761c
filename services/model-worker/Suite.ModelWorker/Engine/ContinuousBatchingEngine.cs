using System.Diagnostics;
using LLama.Native;
using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Backends.LlamaCpp;

namespace Suite.ModelWorker.Engine;

/// <summary>
/// Continuous batching on one llama.cpp context. A dedicated thread loops: drop cancelled sequences, admit waiting
/// ones into free slots (priority, then FIFO), decode one batch holding the next token of every decoding sequence plus
/// prefill chunks of newly admitted ones (capped at the batch size so long prompts do not stall running streams),
/// then sample every sequence that has logits and stream its token at once. It sleeps on a signal when idle.
/// Slot i is llama.cpp sequence i, which has its own KV stream (non-unified KV cache).
/// </summary>
internal sealed class ContinuousBatchingEngine : IDisposable
{
    private readonly SafeLLamaContextHandle _context;
    private readonly LlamaCppVocabulary _vocabulary;
    private readonly int _contextLength;
    private readonly int _batchSize;
    private readonly int _maxWaiting;
    private readonly EngineSequence?[] _slots;
    private readonly List<EngineSequence> _waiting = [];
    private readonly Lock _gate = new();
    private readonly AutoResetEvent _signal = new(false);
    private readonly Thread _thread;
    private readonly LLamaBatch _batch = new();
    private readonly List<(EngineSequence Sequence, int BatchIndex)> _toSample = [];
    private readonly List<EngineSequence> _inBatch = [];
    private long _order;
    private int _running;
    private long _kvUsed;
    private volatile bool _stopping;

    public ContinuousBatchingEngine(
        SafeLLamaContextHandle context,
        LlamaCppVocabulary vocabulary,
        int maxSequences,
        int contextLength,
        int batchSize,
        int maxWaiting)
    {
        _context = context;
        _vocabulary = vocabulary;
        _contextLength = contextLength;
        _batchSize = batchSize;
        _maxWaiting = maxWaiting;
        _slots = new EngineSequence?[maxSequences];
        _thread = new Thread(Run) { IsBackground = true, Name = "llama-engine" };
        _thread.Start();
    }

    public int MaxSequences => _slots.Length;

    public int ContextLength => _contextLength;

    public int MaxWaiting => _maxWaiting;

    public int RunningCount => Volatile.Read(ref _running);

    public long KvUsedTokens => Interlocked.Read(ref _kvUsed);

    public int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    public ISequence Schedule(SequenceRequest request)
    {
        var maxNew = SequenceRequestValidator.Validate(request, _contextLength, _vocabulary.Count);
        lock (_gate)
        {
            // Checked under the lock: the engine drains the queue under it after stopping, so nothing is left behind.
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (_waiting.Count >= _maxWaiting)
            {
                throw new BackendFullException($"{_waiting.Count} sequences are already waiting (the limit is {_maxWaiting}); retry later.");
            }

            var sequence = new EngineSequence(request, _order++, maxNew, Signal);
            _waiting.Add(sequence);
            Signal();
            return sequence;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
        }

        Signal();
        _thread.Join();
        _signal.Dispose();
        _batch.Clear();
    }

    /// <summary>
    /// Cells llama.cpp still holds for each slot (from its position range). Diagnostic for tests: read it only while no
    /// sequence runs, as the engine thread is then asleep.
    /// </summary>
    internal long CountKvCells()
    {
        long cells = 0;
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            var max = (int)_context.MemorySequenceMaxPosition((LLamaSeqId)slot);
            var min = (int)_context.MemorySequenceMinPosition((LLamaSeqId)slot);
            if (max >= 0 && min >= 0)
            {
                cells += max - min + 1;
            }
        }

        return cells;
    }

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
            try
            {
                DropCancelled();
                Admit();
                if (RunningCount == 0)
                {
                    _signal.WaitOne();
                    continue;
                }

                Step();
            }
            catch (Exception e)
            {
                FailRunning($"Engine failure: {e.GetType().Name}: {e.Message}");
            }
        }

        FailRunning(null);
        lock (_gate)
        {
            foreach (var sequence in _waiting)
            {
                sequence.Complete(FinishReason.Cancelled, "The backend was disposed.");
            }

            _waiting.Clear();
        }
    }

    private void DropCancelled()
    {
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { CancelRequested: true } sequence)
            {
                Release(sequence, FinishReason.Cancelled, null);
            }
        }
    }

    private void Admit()
    {
        lock (_gate)
        {
            _waiting.RemoveAll(s =>
            {
                if (!s.CancelRequested)
                {
                    return false;
                }

                s.Complete(FinishReason.Cancelled);
                return true;
            });
            for (var slot = 0; slot < _slots.Length && _waiting.Count > 0; slot++)
            {
                if (_slots[slot] is not null)
                {
                    continue;
                }

                var best = 0;
                for (var i = 1; i < _waiting.Count; i++)
                {
                    var candidate = _waiting[i];
                    var current = _waiting[best];
                    if (candidate.Request.Priority > current.Request.Priority
                        || (candidate.Request.Priority == current.Request.Priority && candidate.Order < current.Order))
                    {
                        best = i;
                    }
                }

                var sequence = _waiting[best];
                _waiting.RemoveAt(best);
                try
                {
                    sequence.Sampler = SamplerFactory.Create(
                        sequence.Request.Sampling,
                        sequence.Request.IgnoreEos,
                        _vocabulary.EndOfGenerationTokens,
                        _vocabulary.Count,
                        _contextLength);
                }
                catch (Exception e)
                {
                    sequence.Complete(FinishReason.Error, $"Could not create the sampler: {e.Message}");
                    continue;
                }

                // A slot's KV stream must start empty; a previous failure may have left cells behind.
                _context.MemorySequenceRemove((LLamaSeqId)slot, -1, -1);
                sequence.Slot = slot;
                sequence.AdmittedAt = Stopwatch.GetTimestamp();
                _slots[slot] = sequence;
                Interlocked.Increment(ref _running);
            }
        }
    }

    private void Step()
    {
        _batch.Clear();
        _toSample.Clear();
        _inBatch.Clear();
        var budget = _batchSize;

        // Running streams first: one token each, so a long prompt never delays them by more than one chunk.
        foreach (var sequence in _slots)
        {
            if (sequence is { Decoding: true })
            {
                var index = _batch.Add(sequence.LastToken, sequence.Position, (LLamaSeqId)sequence.Slot, true);
                _toSample.Add((sequence, index));
                _inBatch.Add(sequence);
                budget--;
            }
        }

        foreach (var sequence in _slots.Where(s => s is { Decoding: false }).OrderBy(s => s!.Order))
        {
            if (budget <= 0)
            {
                break;
            }

            var prefix = sequence!.Request.Prefix;
            var count = Math.Min(prefix.Length - sequence.PrefillDone, budget);
            var seqId = (LLamaSeqId)sequence.Slot;
            for (var i = 0; i < count; i++)
            {
                var promptIndex = sequence.PrefillDone + i;
                var last = promptIndex == prefix.Length - 1;
                var index = _batch.Add(prefix[promptIndex], sequence.Position + i, seqId, last);
                if (last)
                {
                    _toSample.Add((sequence, index));
                }
            }

            sequence.PrefillPending = count;
            _inBatch.Add(sequence);
            budget -= count;
        }

        var result = _context.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            foreach (var sequence in _inBatch)
            {
                Release(sequence, FinishReason.Error, $"llama_decode failed: {result} ({(int)result}).");
            }

            return;
        }

        var now = Stopwatch.GetTimestamp();
        foreach (var sequence in _inBatch)
        {
            var added = sequence.Decoding ? 1 : sequence.PrefillPending;
            sequence.Position += added;
            Interlocked.Add(ref _kvUsed, added);
            if (!sequence.Decoding)
            {
                sequence.PrefillDone += sequence.PrefillPending;
                sequence.PrefillPending = 0;
                if (sequence.Decoding)
                {
                    sequence.PrefillEndedAt = now;
                }
            }
        }

        foreach (var (sequence, index) in _toSample)
        {
            if (sequence.CancelRequested)
            {
                Release(sequence, FinishReason.Cancelled, null);
                continue;
            }

            var token = (int)sequence.Sampler!.Sample(_context, index);
            if (!sequence.Request.IgnoreEos && _vocabulary.IsEndOfGeneration(token))
            {
                Release(sequence, FinishReason.Stop, null);
                continue;
            }

            sequence.Emit(token, Stopwatch.GetTimestamp());
            if (sequence.Generated >= sequence.MaxNewTokens)
            {
                Release(sequence, FinishReason.Length, null);
            }
        }
    }

    /// <summary>Frees the slot and its KV cells, then completes the sequence.</summary>
    private void Release(EngineSequence sequence, FinishReason reason, string? error)
    {
        if (sequence.Slot >= 0 && ReferenceEquals(_slots[sequence.Slot], sequence))
        {
            try
            {
                _context.MemorySequenceRemove((LLamaSeqId)sequence.Slot, -1, -1);
            }
            catch (Exception)
            {
                // Releasing runs on failure paths too; Admit clears the slot's cells again before reuse.
            }

            _slots[sequence.Slot] = null;
            Interlocked.Decrement(ref _running);
            Interlocked.Add(ref _kvUsed, -sequence.Position);
        }

        sequence.Complete(reason, error);
    }

    private void FailRunning(string? error)
    {
        foreach (var sequence in _slots)
        {
            if (sequence is not null)
            {
                Release(sequence, error is null ? FinishReason.Cancelled : FinishReason.Error, error ?? "The backend was disposed.");
            }
        }
    }
}

using Suite.Contracts;
using Suite.Contracts.KvCache;
using Suite.ModelWorker.Backends;

namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// The one continuous-batching scheduler every backend uses. It owns the waiting queue (priority, then FIFO),
/// admission into slots, KV accounting in fixed-size blocks (a sequence is admitted only when the blocks it can grow
/// to are free or can be made free by evicting cached ones, so admitted work never runs out of KV), the prefix cache
/// (a new sequence whose prompt starts with cached blocks uses them and prefills only the rest), cancellation at step
/// boundaries, and each step's plan: one token for every decoding sequence, then prefill chunks in admission order
/// up to the batch size, so a long prompt never delays running streams by more than one chunk.
/// <para>
/// A backend runs a loop: <see cref="DropCancelled"/>, <see cref="Admit"/>, apply <see cref="KvOperations"/>,
/// <see cref="Plan"/>, execute the step, <see cref="Finish"/>. Only <see cref="Schedule"/> and the counters may be
/// called from other threads.
/// </para>
/// </summary>
public sealed class BatchScheduler
{
    private readonly SchedulerOptions _options;
    private readonly IStepExecutor _executor;
    private readonly int _vocabularySize;
    private readonly ulong _root;
    private readonly ScheduledSequence?[] _slots;
    private readonly List<ScheduledSequence> _waiting = [];
    private readonly Lock _gate = new();
    private readonly KvBlockPool _pool;
    private readonly StepPlan _plan = new();
    private readonly List<KvBlock> _matched = [];
    private readonly List<ScheduledSequence> _prefilling = [];
    private readonly List<(ScheduledSequence Sequence, FinishReason Reason, string? Error, double Now)> _released = [];
    private readonly SchedulerMeters _meters;
    private long _order;
    private int _running;
    private int _waitingCount;
    private long _queuedPrefill;
    private double _stepStart;
    private bool _stopping;

    public BatchScheduler(SchedulerOptions options, IStepExecutor executor, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(executor);
        options.Validate();
        _options = options;
        _executor = executor;
        _vocabularySize = vocabularySize;
        _root = PrefixBlockHash.Root(options.Model);
        _slots = new ScheduledSequence?[options.MaxSequences];
        Events = new KvEventLog(options.BlockTokens);
        _pool = new KvBlockPool(options, Events);
        _meters = new SchedulerMeters(options.NominalPrefillTokensPerSecond);
    }

    public SchedulerOptions Options => _options;

    /// <summary>What routers are told about the prefix cache.</summary>
    public KvEventLog Events { get; }

    public int RunningCount => Volatile.Read(ref _running);

    public int WaitingCount => Volatile.Read(ref _waitingCount);

    /// <summary>
    /// Running and waiting sequences, read so that a sequence moving from waiting to running is never missed: waiting
    /// first, then running. <see cref="Admit"/> counts a sequence as running before it stops counting it as waiting,
    /// so a read in the other order, taken in the middle of an admission, could miss both (a heartbeat then told the
    /// router that a worker which had just taken a burst was empty, and the router sent it more than its slots).
    /// </summary>
    public (int Running, int Waiting) Occupancy
    {
        get
        {
            var waiting = Volatile.Read(ref _waitingCount);
            return (Volatile.Read(ref _running), waiting);
        }
    }

    /// <summary>Whether any sequence holds a slot (step-loop thread).</summary>
    public bool HasRunning => _running > 0;

    /// <summary>Tokens in blocks that running sequences use (shared blocks once).</summary>
    public long KvUsedTokens => (long)Volatile.Read(ref _usedBlocks) * _options.BlockTokens;

    /// <summary>Cell operations planned and not yet applied, in order (lane-addressed caches only). The loop applies them through <see cref="ApplyKvOperations"/>.</summary>
    public List<KvOperation> KvOperations => _pool.Operations;

    /// <summary>
    /// Applies the planned cell operations through <paramref name="apply"/> in order, clears them, then completes the
    /// sequences released since the last call. With a lane-addressed cache a released sequence completes only here, after
    /// its lane was emptied, so whoever waits on it never sees cells that belonged to it. The operations are cleared and
    /// the sequences completed even when <paramref name="apply"/> throws (the exception then propagates).
    /// </summary>
    public void ApplyKvOperations(Action<KvOperation> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        try
        {
            foreach (var operation in _pool.Operations)
            {
                apply(operation);
            }
        }
        finally
        {
            _pool.Operations.Clear();
            CompleteReleased();
        }
    }

    /// <summary>The prefix cache's size and counters.</summary>
    public KvCacheStatistics Statistics => new(
        _options.PrefixCache,
        _options.BlockTokens,
        Volatile.Read(ref _cachedBlocks),
        _pool.Capacity,
        _meters.QueryTokens,
        _meters.HitTokens,
        Events.Sequence,
        Math.Max(0, Interlocked.Read(ref _queuedPrefill)),
        _meters.PrefillTokensPerSecond,
        _meters.DecodeStepSeconds,
        _meters.SlotSeconds,
        _options.BatchSize);

    private int _usedBlocks;
    private int _cachedBlocks;

    /// <summary>
    /// Validates and queues a sequence that arrived at <paramref name="now"/>. Throws <see cref="BackendFullException"/>
    /// when the waiting queue is full, <see cref="ArgumentException"/> when it does not fit the context, and
    /// <see cref="ObjectDisposedException"/> once stopped.
    /// </summary>
    public ScheduledSequence Schedule(SequenceRequest request, double now, Action signal)
    {
        var maxNew = SequenceRequestValidator.Validate(request, _options.ContextLength, _vocabularySize);

        // Hashed here, off the step loop; the expected hit tells routers how much prefill is really queued.
        var hashes = new ulong[request.Prefix.Length / _options.BlockTokens];
        PrefixBlockHash.Compute(_root, request.Prefix, _options.BlockTokens, hashes);
        var usable = (request.Prefix.Length - 1) / _options.BlockTokens;
        var expectedCached = _options.PrefixCache ? Events.LeadingStored(hashes.AsSpan(0, Math.Min(usable, hashes.Length))) * _options.BlockTokens : 0;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (_waiting.Count >= _options.MaxWaiting)
            {
                throw new BackendFullException($"{_waiting.Count} sequences are already waiting (the limit is {_options.MaxWaiting}); retry later.");
            }

            var sequence = new ScheduledSequence(request, _order++, maxNew, now, signal)
            {
                PromptHashes = hashes,
                ExpectedUncached = request.Prefix.Length - expectedCached,
            };
            _waiting.Add(sequence);
            Volatile.Write(ref _waitingCount, _waiting.Count);
            Interlocked.Add(ref _queuedPrefill, sequence.ExpectedUncached);
            return sequence;
        }
    }

    /// <summary>Stops taking work; <see cref="Shutdown"/> then ends whatever is left.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopping = true;
        }
    }

    /// <summary>Ends every running and waiting sequence (cancelled, or failed with <paramref name="error"/>).</summary>
    public void Shutdown(string? error, double now)
    {
        FailRunning(error, now);
        CompleteReleased();
        lock (_gate)
        {
            foreach (var sequence in _waiting)
            {
                Interlocked.Add(ref _queuedPrefill, -sequence.ExpectedUncached);
                sequence.Complete(FinishReason.Cancelled, "The backend was disposed.", now);
            }

            _waiting.Clear();
            Volatile.Write(ref _waitingCount, 0);
        }
    }

    /// <summary>Ends running sequences whose cancellation was requested, freeing their slots and blocks.</summary>
    public void DropCancelled(double now)
    {
        foreach (var sequence in _slots)
        {
            if (sequence is { CancelRequested: true })
            {
                Release(sequence, FinishReason.Cancelled, null, now);
            }
        }
    }

    /// <summary>
    /// Admits waiting sequences into free slots for a step starting at <paramref name="start"/> and returns the
    /// step's start. Only sequences that arrived by then are eligible (a simulator replaying its past must not let a
    /// later arrival join an earlier step); an idle scheduler starts its step when the first waiting sequence arrived.
    /// The head of the queue waits for KV room rather than being overtaken, so long prompts cannot starve.
    /// </summary>
    public double Admit(double start, double now)
    {
        lock (_gate)
        {
            _waiting.RemoveAll(s =>
            {
                if (!s.CancelRequested)
                {
                    return false;
                }

                Interlocked.Add(ref _queuedPrefill, -s.ExpectedUncached);
                s.Complete(FinishReason.Cancelled, null, now);
                return true;
            });
            if (_running == 0 && _waiting.Count > 0)
            {
                start = Math.Max(start, _waiting.Min(s => s.ScheduledAt));
            }

            for (var slot = 0; slot < _slots.Length && _waiting.Count > 0; slot++)
            {
                if (_slots[slot] is not null)
                {
                    continue;
                }

                var best = -1;
                for (var i = 0; i < _waiting.Count; i++)
                {
                    var candidate = _waiting[i];
                    if (candidate.ScheduledAt > start)
                    {
                        continue;
                    }

                    if (best < 0
                        || candidate.Request.Priority > _waiting[best].Request.Priority
                        || (candidate.Request.Priority == _waiting[best].Request.Priority && candidate.Order < _waiting[best].Order))
                    {
                        best = i;
                    }
                }

                if (best < 0 || !TryAdmit(_waiting[best], slot, start))
                {
                    break;
                }

                _waiting.RemoveAt(best);
            }

            Volatile.Write(ref _waitingCount, _waiting.Count);
        }

        _stepStart = start;
        return start;
    }

    /// <summary>Plans the next step, or returns null when no sequence runs.</summary>
    public StepPlan? Plan()
    {
        if (_running == 0)
        {
            return null;
        }

        _plan.Clear();
        var budget = _options.BatchSize;

        // Running streams first: one token each, so a long prompt never delays them by more than one chunk.
        foreach (var sequence in _slots)
        {
            if (sequence is { Decoding: true })
            {
                EnsureBlocks(sequence, sequence.Position + 1);
                _plan.Items.Add(new StepEntry(sequence, sequence.Position, 1, Sample: true));
                _plan.DecodingSequences++;
                budget--;
            }
        }

        _prefilling.Clear();
        foreach (var sequence in _slots)
        {
            if (sequence is { Decoding: false })
            {
                _prefilling.Add(sequence);
            }
        }

        _prefilling.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        foreach (var sequence in _prefilling)
        {
            if (budget <= 0)
            {
                break;
            }

            var count = Math.Min(sequence.Request.Prefix.Length - sequence.PrefillDone, budget);
            EnsureBlocks(sequence, sequence.Position + count);
            var completes = sequence.PrefillDone + count == sequence.Request.Prefix.Length;
            _plan.Items.Add(new StepEntry(sequence, sequence.Position, count, completes));
            _plan.PrefillTokens += count;
            budget -= count;
        }

        return _plan;
    }

    /// <summary>
    /// Records that the step ran and ended at <paramref name="end"/>: advances every sequence, registers the blocks it
    /// filled, then asks the executor for each sampled sequence's token and emits it (or ends the sequence).
    /// </summary>
    public void Finish(StepPlan plan, double end)
    {
        _meters.ObserveStep(plan, end - _stepStart, _options.BlockTokens);
        var entries = plan.Items;
        foreach (var entry in entries)
        {
            var sequence = entry.Sequence;
            var prefilling = !sequence.Decoding;
            sequence.Position += entry.Count;
            if (prefilling)
            {
                sequence.PrefillDone += entry.Count;
                Interlocked.Add(ref _queuedPrefill, -entry.Count);
                if (sequence.Decoding)
                {
                    sequence.PrefillEndedAt = end;
                }
            }

            RegisterFullBlocks(sequence);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!entry.Sample)
            {
                continue;
            }

            var sequence = entry.Sequence;
            if (sequence.CancelRequested)
            {
                Release(sequence, FinishReason.Cancelled, null, end);
                continue;
            }

            SampledToken sampled;
            try
            {
                sampled = _executor.Sample(sequence, i);
            }
            catch (SequenceSamplingException e)
            {
                Release(sequence, FinishReason.Error, e.Message, end);
                continue;
            }

            if (sampled.EndOfGeneration && !sequence.Request.IgnoreEos)
            {
                Release(sequence, FinishReason.Stop, null, end);
                continue;
            }

            sequence.Emit(sampled.Token, end);
            if (sequence.Generated >= sequence.MaxNewTokens)
            {
                Release(sequence, FinishReason.Length, null, end);
            }
        }

        Volatile.Write(ref _usedBlocks, _pool.Referenced);
        Volatile.Write(ref _cachedBlocks, _pool.Cached);
    }

    /// <summary>The step could not run: every sequence in it fails with <paramref name="error"/>.</summary>
    public void Fail(StepPlan plan, string error, double now)
    {
        foreach (var entry in plan.Items)
        {
            Release(entry.Sequence, FinishReason.Error, error, now);
        }
    }

    /// <summary>Ends every running sequence (cancelled when <paramref name="error"/> is null).</summary>
    public void FailRunning(string? error, double now)
    {
        foreach (var sequence in _slots)
        {
            if (sequence is not null)
            {
                Release(sequence, error is null ? FinishReason.Cancelled : FinishReason.Error, error ?? "The backend was disposed.", now);
            }
        }
    }

    private bool TryAdmit(ScheduledSequence sequence, int slot, double start)
    {
        var prefix = sequence.Request.Prefix;
        var blockTokens = _options.BlockTokens;
        var hashes = sequence.PromptHashes;

        // The last prompt token is always computed: its logits give the first new token.
        _matched.Clear();
        _pool.Match(hashes, (prefix.Length - 1) / blockTokens, _matched);
        var totalBlocks = (prefix.Length + sequence.MaxNewTokens + blockTokens - 1) / blockTokens;
        var needed = totalBlocks - _matched.Count;
        if (!_pool.TryReserve(needed, _matched))
        {
            return false;
        }

        try
        {
            sequence.ExecutorState = _executor.CreateState(sequence);
        }
        catch (Exception e)
        {
            _pool.Unreserve(needed);
            Interlocked.Add(ref _queuedPrefill, -sequence.ExpectedUncached);
            sequence.Complete(FinishReason.Error, $"Could not prepare the sequence: {e.Message}", start);
            return true;
        }

        sequence.Slot = slot;
        sequence.AdmittedAt = start;
        sequence.ReservedBlocks = needed;
        _pool.Attach(slot, _matched, sequence.Blocks);
        var cached = _matched.Count * blockTokens;
        sequence.CachedTokens = cached;
        sequence.Position = cached;
        sequence.PrefillDone = cached;
        for (var k = 0; k < _matched.Count; k++)
        {
            sequence.BlockHashes.Add(hashes[k]);
        }

        if (_options.PrefixCache)
        {
            _meters.CountLookup(prefix.Length, cached);
        }

        // From the expectation at scheduling to what admission found.
        Interlocked.Add(ref _queuedPrefill, prefix.Length - cached - sequence.ExpectedUncached);
        _slots[slot] = sequence;
        _running++;
        Volatile.Write(ref _usedBlocks, _pool.Referenced);
        return true;
    }

    private void EnsureBlocks(ScheduledSequence sequence, int positions)
    {
        var blocks = (positions + _options.BlockTokens - 1) / _options.BlockTokens;
        while (sequence.Blocks.Count < blocks)
        {
            sequence.Blocks.Add(_pool.Allocate(sequence.Slot, sequence.Blocks.Count));
            sequence.ReservedBlocks--;
        }
    }

    private void RegisterFullBlocks(ScheduledSequence sequence)
    {
        var blockTokens = _options.BlockTokens;
        var full = sequence.Position / blockTokens;
        var history = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sequence.History);
        for (var k = sequence.BlockHashes.Count; k < full; k++)
        {
            var parent = k == 0 ? _root : sequence.BlockHashes[k - 1];
            var hash = PrefixBlockHash.Next(parent, history.Slice(k * blockTokens, blockTokens));
            sequence.BlockHashes.Add(hash);
            _pool.Register(sequence.Blocks[k], hash);
        }
    }

    /// <summary>
    /// Frees the slot, returns its blocks to the pool (registered ones stay cached), then completes the sequence: at once,
    /// or with a lane-addressed cache once the loop has applied the cell operations that empty its lane.
    /// </summary>
    private void Release(ScheduledSequence sequence, FinishReason reason, string? error, double now)
    {
        if (sequence.Slot >= 0 && ReferenceEquals(_slots[sequence.Slot], sequence))
        {
            if (!sequence.Decoding)
            {
                Interlocked.Add(ref _queuedPrefill, -(sequence.Request.Prefix.Length - sequence.PrefillDone));
            }

            _pool.Release(sequence.Slot, sequence.Blocks);
            _pool.Unreserve(sequence.ReservedBlocks);
            sequence.ReservedBlocks = 0;
            _slots[sequence.Slot] = null;
            _running--;
            Volatile.Write(ref _usedBlocks, _pool.Referenced);
            Volatile.Write(ref _cachedBlocks, _pool.Cached);
            if (sequence.AdmittedAt >= 0)
            {
                _meters.ObserveSlot(now - sequence.AdmittedAt);
            }
        }

        if (_pool.LanesAddressed)
        {
            _released.Add((sequence, reason, error, now));
        }
        else
        {
            sequence.Complete(reason, error, now);
        }
    }

    private void CompleteReleased()
    {
        foreach (var (sequence, reason, error, now) in _released)
        {
            sequence.Complete(reason, error, now);
        }

        _released.Clear();
    }
}

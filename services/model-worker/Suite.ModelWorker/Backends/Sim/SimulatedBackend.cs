using Suite.Contracts;
using Suite.Models.Catalog;

namespace Suite.ModelWorker.Backends.Sim;

/// <summary>
/// The "sim" backend: the real engine's scheduling (waiting queue by priority then FIFO, slots, prefill chunks riding
/// along with decode steps, cancellation at the next step boundary, KV accounting, the same timings) with the model
/// replaced by a deterministic token function (<see cref="SimulatedTokenGenerator"/>) and the hardware replaced by a
/// step-duration formula from a <see cref="SimulatedHardwareProfile"/>. It is always labelled simulated.
/// <para>
/// One asynchronous loop per backend sleeps until the next step ends (on <see cref="SimulatedBackendOptions.TimeProvider"/>,
/// scaled by <see cref="SimulatedBackendOptions.TimeScale"/>) or, when idle, until work arrives; it holds no thread
/// while sleeping, so hundreds of simulated workers fit in one process. Steps are laid on a simulated timeline (each
/// starts where the previous ended), so timer jitter delays delivery a little but never changes the reported timings
/// or the throughput, within <see cref="SimulatedBackendOptions.MaxLag"/>. A sequence joins the first step that starts
/// at or after its arrival (an idle backend starts its step at the arrival), and all reported times are simulated
/// seconds.
/// </para>
/// </summary>
public sealed class SimulatedBackend : IInferenceBackend
{
    private const int DefaultContextLength = 4096;

    // Sleeping less than this is not worth a timer: the step is run at once and the timeline catches up.
    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(1);

    private readonly SimulatedHardwareProfile _profile;
    private readonly SimulatedVocabulary _vocabulary;
    private readonly TimeProvider _time;
    private readonly double _timeScale;
    private readonly double _maxLagSeconds;
    private readonly int _contextLength;
    private readonly int _batchSize;
    private readonly int _maxWaiting;
    private readonly long _kvCapacity;
    private readonly int? _meanOutputTokens;
    private readonly long _startTimestamp;
    private readonly SimulatedSequence?[] _slots;
    private readonly List<SimulatedSequence> _waiting = [];
    private readonly List<SimulatedSequence> _inBatch = [];
    private readonly List<SimulatedSequence> _toSample = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _order;
    private int _running;
    private long _kvUsed;
    private long _kvReserved;
    private double _clock;
    private long _steps;
    private volatile bool _stopping;
    private int _disposed;

    public SimulatedBackend(SimulatedBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Profile);
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        if (options.Vocabulary is null && options.ModelPath is null)
        {
            throw new ArgumentException("The simulator needs a vocabulary: set ModelPath (a GGUF file) or Vocabulary.", nameof(options));
        }

        var maxBatch = (int)options.Profile.MaxBatch.Value;
        var slots = Math.Min(options.MaxSequences, maxBatch);
        if (options.MaxSequences < 1 || options.MaxWaiting < 0 || options.ContextLength is < 2 || options.BatchSize < slots)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), "MaxSequences ≥ 1, MaxWaiting ≥ 0, ContextLength ≥ 2 and BatchSize ≥ the slot count are required.");
        }

        if (!(options.TimeScale > 0) || double.IsInfinity(options.TimeScale))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "TimeScale must be a positive number (1 = real time).");
        }

        if (options.MeanOutputTokens is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MeanOutputTokens must be at least 1 when set.");
        }

        Options = options;
        _profile = options.Profile;
        _vocabulary = options.Vocabulary ?? SimulatedVocabulary.FromGguf(options.ModelPath!);
        Model = options.Model
            ?? (options.ModelPath is { } path
                ? ModelCatalog.Describe(path, options.ModelId ?? Path.GetFileNameWithoutExtension(path))
                : new ModelDescription(
                    options.ModelId ?? "sim", "suite (simulated)", 0, _vocabulary.Count, SmokeTestModel: false,
                    "Simulated model", DateTimeOffset.UnixEpoch));
        _contextLength = options.ContextLength
            ?? Math.Min(Model.ContextLength > 0 ? Model.ContextLength : DefaultContextLength, DefaultContextLength);
        _kvCapacity = options.KvCapacityTokens
            ?? Math.Min((long)_profile.KvCapacityTokens.Value, (long)slots * _contextLength);
        if (_kvCapacity < _contextLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), $"The KV capacity ({_kvCapacity} tokens) must hold at least one full context ({_contextLength}).");
        }

        _time = options.TimeProvider;
        _timeScale = options.TimeScale;
        _maxLagSeconds = options.MaxLag.TotalSeconds / options.TimeScale;
        _batchSize = options.BatchSize;
        _maxWaiting = options.MaxWaiting;
        _meanOutputTokens = options.MeanOutputTokens;
        _slots = new SimulatedSequence?[slots];
        Info = new BackendInfo("sim", $"{_profile.Device} (simulated)", Simulated: true, NativeLibrary: "none (simulated)", PricePerHourUsd: _profile.CostPerHourUsd.Value);
        _startTimestamp = _time.GetTimestamp();
        _loop = Task.Run(RunAsync);
    }

    public SimulatedBackendOptions Options { get; }

    public SimulatedHardwareProfile Profile => _profile;

    public BackendInfo Info { get; }

    public ModelDescription Model { get; }

    public ITokenVocabulary Vocabulary => _vocabulary;

    /// <summary>Tokens each sequence may hold (prompt plus generated).</summary>
    public int ContextLength => _contextLength;

    /// <summary>Simulated seconds since the backend started (wall-clock time divided by the time scale).</summary>
    public double SimulatedNow => _time.GetElapsedTime(_startTimestamp).TotalSeconds / _timeScale;

    /// <summary>Steps simulated so far; a diagnostic for tests and scale runs.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    public BackendCapacity GetCapacity() => new(
        MaxSequences: _slots.Length,
        RunningSequences: Volatile.Read(ref _running),
        WaitingSequences: WaitingCount,
        MaxWaiting: _maxWaiting,
        KvCapacityTokens: _kvCapacity,
        KvUsedTokens: Interlocked.Read(ref _kvUsed),
        ContextLength: _contextLength);

    public ISequence Schedule(SequenceRequest request)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var maxNew = SequenceRequestValidator.Validate(request, _contextLength, _vocabulary.Count);
        var state = SimulatedTokenGenerator.Hash(request.Prefix);
        lock (_gate)
        {
            // Checked under the lock: the loop drains the queue under it after stopping, so nothing is left behind.
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (_waiting.Count >= _maxWaiting)
            {
                throw new BackendFullException($"{_waiting.Count} sequences are already waiting (the limit is {_maxWaiting}); retry later.");
            }

            var sequence = new SimulatedSequence(request, _order++, maxNew, state, SimulatedNow, Signal);
            _waiting.Add(sequence);
            Signal();
            return sequence;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            _stopping = true;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _signal.Dispose();
    }

    private int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    private void Signal()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another caller signalled in between; one wake-up is enough.
        }
        catch (ObjectDisposedException)
        {
            // Cancelling after disposal: nothing is left to wake.
        }
    }

    private async Task RunAsync()
    {
        var withoutSleep = 0;
        while (!_stopping)
        {
            try
            {
                var now = SimulatedNow;
                DropCancelled(now);

                // Continue the timeline where the last step ended unless the loop fell more than MaxLag behind.
                var start = Admit(Math.Max(_clock, now - _maxLagSeconds), now);
                if (Volatile.Read(ref _running) == 0)
                {
                    // The next step starts when its work arrived (see Admit), not when this thread got to run again.
                    await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
                    continue;
                }

                var end = start + PlanStep(start);
                var sleep = TimeSpan.FromSeconds((end - SimulatedNow) * _timeScale);
                if (sleep >= MinimumSleep)
                {
                    await Task.Delay(sleep, _time, _stop.Token).ConfigureAwait(false);
                    withoutSleep = 0;
                }
                else if (++withoutSleep >= 16)
                {
                    // Catching up: let the other backends' loops run too.
                    await Task.Yield();
                    withoutSleep = 0;
                }

                _clock = end;
                ApplyStep(end);
                Interlocked.Increment(ref _steps);
            }
            catch (OperationCanceledException) when (_stopping)
            {
                break;
            }
            catch (Exception e)
            {
                FailRunning($"Engine failure: {e.GetType().Name}: {e.Message}", SimulatedNow);
            }
        }

        var stoppedAt = SimulatedNow;
        FailRunning(null, stoppedAt);
        lock (_gate)
        {
            foreach (var sequence in _waiting)
            {
                sequence.Complete(FinishReason.Cancelled, "The backend was disposed.", stoppedAt);
            }

            _waiting.Clear();
        }
    }

    private void DropCancelled(double now)
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
    /// Admits waiting sequences into free slots for a step starting at <paramref name="start"/> and returns the step's
    /// start. Only sequences that arrived by then are eligible: when the loop runs behind the wall clock it is replaying
    /// the simulated past, and a later arrival must not join an earlier step. An idle backend starts its step when the
    /// first waiting sequence arrived.
    /// </summary>
    private double Admit(double start, double now)
    {
        lock (_gate)
        {
            _waiting.RemoveAll(s =>
            {
                if (!s.CancelRequested)
                {
                    return false;
                }

                s.Complete(FinishReason.Cancelled, null, now);
                return true;
            });
            if (Volatile.Read(ref _running) == 0 && _waiting.Count > 0)
            {
                start = Math.Max(start, _waiting.Min(s => s.ScheduledAt));
            }

            for (var slot = 0; slot < _slots.Length; slot++)
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

                if (best < 0)
                {
                    break;
                }

                var sequence = _waiting[best];

                // The head of the queue waits for KV room rather than being overtaken, so long prompts cannot starve.
                if (_kvReserved + sequence.ReservedTokens > _kvCapacity)
                {
                    break;
                }

                _waiting.RemoveAt(best);
                sequence.Slot = slot;
                _kvReserved += sequence.ReservedTokens;
                _slots[slot] = sequence;
                Interlocked.Increment(ref _running);
            }
        }

        return start;
    }

    /// <summary>Chooses the step's work as the real engine does and returns its simulated duration.</summary>
    private double PlanStep(double start)
    {
        _inBatch.Clear();
        _toSample.Clear();
        var budget = _batchSize;

        // Running streams first: one token each, so a long prompt never delays them by more than one chunk.
        var decoding = 0;
        foreach (var sequence in _slots)
        {
            if (sequence is { AdmittedAt: < 0 })
            {
                // Just admitted: its time in the slot starts with this step.
                sequence.AdmittedAt = start;
            }

            if (sequence is { Decoding: true })
            {
                _inBatch.Add(sequence);
                _toSample.Add(sequence);
                decoding++;
                budget--;
            }
        }

        var prefill = 0;
        foreach (var sequence in _slots.Where(s => s is { Decoding: false }).OrderBy(s => s!.Order))
        {
            if (budget <= 0)
            {
                break;
            }

            var count = Math.Min(sequence!.Request.Prefix.Length - sequence.PrefillDone, budget);
            sequence.PrefillPending = count;
            if (sequence.PrefillDone + count == sequence.Request.Prefix.Length)
            {
                _toSample.Add(sequence);
            }

            _inBatch.Add(sequence);
            prefill += count;
            budget -= count;
        }

        return _profile.StepSeconds(decoding, prefill);
    }

    private void ApplyStep(double end)
    {
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
                    sequence.PrefillEndedAt = end;
                }
            }
        }

        foreach (var sequence in _toSample)
        {
            if (sequence.CancelRequested)
            {
                Release(sequence, FinishReason.Cancelled, null, end);
                continue;
            }

            if (_meanOutputTokens is { } mean && SimulatedTokenGenerator.Stops(sequence.State, mean) && !sequence.Request.IgnoreEos)
            {
                Release(sequence, FinishReason.Stop, null, end);
                continue;
            }

            var token = SimulatedTokenGenerator.NextToken(sequence.State, _vocabulary.GeneratableTokens);
            sequence.State = SimulatedTokenGenerator.Append(sequence.State, token);
            sequence.Emit(token, end);
            if (sequence.Generated >= sequence.MaxNewTokens)
            {
                Release(sequence, FinishReason.Length, null, end);
            }
        }
    }

    /// <summary>Frees the slot and its KV tokens, then completes the sequence.</summary>
    private void Release(SimulatedSequence sequence, FinishReason reason, string? error, double now)
    {
        if (sequence.Slot >= 0 && ReferenceEquals(_slots[sequence.Slot], sequence))
        {
            _slots[sequence.Slot] = null;
            Interlocked.Decrement(ref _running);
            Interlocked.Add(ref _kvUsed, -sequence.Position);
            lock (_gate)
            {
                _kvReserved -= sequence.ReservedTokens;
            }
        }

        sequence.Complete(reason, error, now);
    }

    private void FailRunning(string? error, double now)
    {
        foreach (var sequence in _slots)
        {
            if (sequence is not null)
            {
                Release(sequence, error is null ? FinishReason.Cancelled : FinishReason.Error, error ?? "The backend was disposed.", now);
            }
        }
    }
}

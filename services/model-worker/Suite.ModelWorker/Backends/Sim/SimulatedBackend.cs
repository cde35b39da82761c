using Suite.Contracts;
using Suite.ModelWorker.Scheduling;
using Suite.Models.Catalog;

namespace Suite.ModelWorker.Backends.Sim;

/// <summary>
/// The "sim" backend: the real engine's scheduler (<see cref="BatchScheduler"/>: waiting queue by priority then FIFO,
/// slots, prefill chunks riding along with decode steps, cancellation at the next step boundary, KV blocks and the
/// prefix cache, the same timings) with the model replaced by a deterministic token function
/// (<see cref="SimulatedTokenGenerator"/>) and the hardware replaced by a step-duration formula from a
/// <see cref="SimulatedHardwareProfile"/>: a step's prefill chunk costs only its uncached tokens, as on the real engine.
/// It is always labelled simulated.
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
public sealed class SimulatedBackend : IInferenceBackend, IStepExecutor
{
    private const int DefaultContextLength = 4096;

    // Sleeping less than this is not worth a timer: the step is run at once and the timeline catches up.
    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(1);

    private readonly SimulatedHardwareProfile _profile;
    private readonly SimulatedVocabulary _vocabulary;
    private readonly TimeProvider _time;
    private readonly double _timeScale;
    private readonly double _maxLagSeconds;
    private readonly int? _meanOutputTokens;
    private readonly long _startTimestamp;
    private readonly BatchScheduler _scheduler;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Func<double>? _manualClock;
    private StepPlan? _inFlight;
    private double _inFlightStart;
    private double _inFlightEnd;
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
        if (options.MaxSequences < 1 || options.MaxWaiting < 0 || options.ContextLength is < 2 || options.BatchSize < slots || options.BlockTokens < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), "MaxSequences ≥ 1, MaxWaiting ≥ 0, ContextLength ≥ 2, BlockTokens ≥ 1 and BatchSize ≥ the slot count are required.");
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
        var contextLength = options.ContextLength
            ?? Math.Min(Model.ContextLength > 0 ? Model.ContextLength : DefaultContextLength, DefaultContextLength);
        var kvCapacity = options.KvCapacityTokens
            ?? Math.Min((long)_profile.KvCapacityTokens.Value, (long)slots * contextLength);
        if (kvCapacity / options.BlockTokens * options.BlockTokens < contextLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), $"The KV capacity ({kvCapacity} tokens) must hold at least one full context ({contextLength}).");
        }

        _time = options.TimeProvider;
        _timeScale = options.TimeScale;
        _maxLagSeconds = options.MaxLag.TotalSeconds / options.TimeScale;
        _meanOutputTokens = options.MeanOutputTokens;
        _scheduler = new BatchScheduler(
            new SchedulerOptions
            {
                MaxSequences = slots,
                ContextLength = contextLength,
                KvCapacityTokens = kvCapacity,
                MaxWaiting = options.MaxWaiting,
                BatchSize = options.BatchSize,
                BlockTokens = options.BlockTokens,
                PrefixCache = options.PrefixCache,
                Model = Model.Id,
                NominalPrefillTokensPerSecond = _profile.PrefillTokensPerSecond.Value,
            },
            this,
            _vocabulary.Count);
        Info = new BackendInfo("sim", $"{_profile.Device} (simulated)", Simulated: true, NativeLibrary: "none (simulated)", PricePerHourUsd: _profile.CostPerHourUsd.Value);
        _startTimestamp = _time.GetTimestamp();
        _manualClock = options.ManualClock;
        _loop = _manualClock is null ? Task.Run(RunAsync) : Task.CompletedTask;
    }

    public SimulatedBackendOptions Options { get; }

    public SimulatedHardwareProfile Profile => _profile;

    public BackendInfo Info { get; }

    public ModelDescription Model { get; }

    public ITokenVocabulary Vocabulary => _vocabulary;

    /// <summary>Tokens each sequence may hold (prompt plus generated).</summary>
    public int ContextLength => _scheduler.Options.ContextLength;

    /// <summary>Simulated seconds since the backend started (wall-clock time divided by the time scale).</summary>
    public double SimulatedNow => _manualClock?.Invoke() ?? _time.GetElapsedTime(_startTimestamp).TotalSeconds / _timeScale;

    /// <summary>Steps simulated so far; a diagnostic for tests and scale runs.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Simulated seconds in which at least one sequence held a slot (what an hour-priced device is busy for).</summary>
    public double BusySeconds { get; private set; }

    public KvEventLog KvEvents => _scheduler.Events;

    public BackendCapacity GetCapacity()
    {
        var (running, waiting) = _scheduler.Occupancy;
        return new(
            MaxSequences: _scheduler.Options.MaxSequences,
            RunningSequences: running,
            WaitingSequences: waiting,
            MaxWaiting: _scheduler.Options.MaxWaiting,
            KvCapacityTokens: _scheduler.Options.CapacityBlocks * (long)_scheduler.Options.BlockTokens,
            KvUsedTokens: _scheduler.KvUsedTokens,
            ContextLength: _scheduler.Options.ContextLength,
            Cache: _scheduler.Statistics);
    }

    public ISequence Schedule(SequenceRequest request)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (request?.Sampling?.IsConstrained == true)
        {
            // Its tokens come from a hash, not from logits: a grammar or a bias cannot shape them, and serving the
            // request unconstrained would pass free text off as structured output.
            throw new ConstraintRejectedException(
                "The simulated backend cannot constrain decoding (response_format json_object/json_schema, logit_bias).",
                request.Sampling.Grammar is not null ? "response_format" : "logit_bias");
        }

        var sequence = _scheduler.Schedule(request!, SimulatedNow, Signal);
        Signal();
        return sequence;
    }

    /// <summary>
    /// With <see cref="SimulatedBackendOptions.ManualClock"/>: runs every step that ends by <paramref name="until"/>
    /// (simulated seconds), then plans the next one, exactly as the loop would have.
    /// </summary>
    public void RunUntil(double until)
    {
        if (_manualClock is null)
        {
            throw new InvalidOperationException("RunUntil needs ManualClock; this backend runs its own loop.");
        }

        while (true)
        {
            if (_inFlight is { } plan)
            {
                if (_inFlightEnd > until)
                {
                    return;
                }

                BusySeconds += _inFlightEnd - _inFlightStart;
                _clock = _inFlightEnd;
                _inFlight = null;
                _scheduler.Finish(plan, _clock);
                Interlocked.Increment(ref _steps);
            }

            _scheduler.DropCancelled(_clock);
            var start = _scheduler.Admit(_clock, until);
            if (start > until || _scheduler.Plan() is not { } next)
            {
                return;
            }

            _inFlight = next;
            _inFlightStart = start;
            _inFlightEnd = start + _profile.StepSeconds(next.DecodingSequences, next.PrefillTokens);
        }
    }

    IDisposable? IStepExecutor.CreateState(ScheduledSequence sequence) =>
        new SimulatedTokenState(SimulatedTokenGenerator.Hash(sequence.Request.Prefix));

    SampledToken IStepExecutor.Sample(ScheduledSequence sequence, int entry)
    {
        var state = (SimulatedTokenState)sequence.ExecutorState!;
        var stops = _meanOutputTokens is { } mean && SimulatedTokenGenerator.Stops(state.Value, mean);
        var token = SimulatedTokenGenerator.NextToken(state.Value, _vocabulary.GeneratableTokens);
        state.Value = SimulatedTokenGenerator.Append(state.Value, token);
        return new SampledToken(token, stops);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _scheduler.Stop();
        _stopping = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_manualClock is not null)
        {
            _scheduler.Shutdown(null, SimulatedNow);
        }

        _stop.Dispose();
        _signal.Dispose();
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
                _scheduler.DropCancelled(now);

                // Continue the timeline where the last step ended unless the loop fell more than MaxLag behind.
                var start = _scheduler.Admit(Math.Max(_clock, now - _maxLagSeconds), now);
                var plan = _scheduler.Plan();
                if (plan is null)
                {
                    // The next step starts when its work arrived (see Admit), not when this thread got to run again.
                    await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
                    continue;
                }

                var end = start + _profile.StepSeconds(plan.DecodingSequences, plan.PrefillTokens);
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

                BusySeconds += end - Math.Max(start, _clock);
                _clock = end;
                _scheduler.Finish(plan, end);
                Interlocked.Increment(ref _steps);
            }
            catch (OperationCanceledException) when (_stopping)
            {
                break;
            }
            catch (Exception e)
            {
                _scheduler.FailRunning($"Engine failure: {e.GetType().Name}: {e.Message}", SimulatedNow);
            }
        }

        _scheduler.Shutdown(null, SimulatedNow);
    }
}

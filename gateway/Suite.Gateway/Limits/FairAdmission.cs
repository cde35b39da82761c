using Microsoft.Extensions.Options;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Limits;

/// <summary>
/// Weighted-fair admission into the fleet, per model: while this gateway's requests in flight are fewer than the
/// fleet's slots (times <see cref="AdmissionOptions.FleetShare"/>, plus <see cref="AdmissionOptions.ExtraPerWorker"/>
/// per worker) a request goes in at once; past that it waits in its tenant's line of a
/// <see cref="WeightedFairQueue{T}"/> and is let in when a request ends or workers arrive. So a tenant that floods
/// the fleet is held back at the gateway (and refused once its line is full), while another tenant's request waits
/// only for the next free slot, not behind the flood in the workers' queues. While more than one tenant is active,
/// the last <see cref="AdmissionOptions.ReservedPerWorker"/> places per worker go only to a tenant holding fewer places
/// than the busiest one, so that other tenant does not even wait for a slot to free.
/// </summary>
public sealed class FairAdmission
{
    private readonly FleetCapacity _capacity;
    private readonly AdmissionOptions _options;
    private readonly TenancyOptions _tenancy;
    private readonly bool _synchronousGrants;
    private readonly Dictionary<string, ModelLine> _models = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;

    public FairAdmission(FleetCapacity capacity, IOptions<AdmissionOptions> options, IOptions<TenancyOptions> tenancy)
        : this(capacity, options.Value, tenancy.Value, synchronousGrants: false)
    {
    }

    /// <summary>
    /// <paramref name="synchronousGrants"/>: a waiting request's callback runs inside the call that freed its place
    /// (a virtual-time driver needs that); otherwise grants never run caller code under another request's call.
    /// </summary>
    public FairAdmission(FleetCapacity capacity, AdmissionOptions options, TenancyOptions tenancy, bool synchronousGrants)
    {
        _capacity = capacity;
        _options = options;
        _tenancy = tenancy;
        _synchronousGrants = synchronousGrants;
        _clock = capacity.Time;
        capacity.Changed += Pump;
    }

    /// <summary>Requests of this gateway in the fleet for <paramref name="model"/>, and waiting for it.</summary>
    public (int InFlight, int Waiting) Load(string model)
    {
        lock (_lock)
        {
            return _models.TryGetValue(model, out var line) ? (line.InFlight, line.Queue.Count) : (0, 0);
        }
    }

    /// <summary>
    /// Each model's admission as it stands: the fleet's slots and workers as heard from heartbeats, the places this
    /// gateway lets in and keeps in reserve, and its requests in flight and waiting (the detailed <c>/health</c> report).
    /// </summary>
    public IReadOnlyList<AdmissionSnapshot> Snapshot()
    {
        lock (_lock)
        {
            var snapshot = new List<AdmissionSnapshot>(_models.Count);
            foreach (var (model, line) in _models)
            {
                var (slots, workers) = _capacity.For(model);
                var limit = Limit(model);
                snapshot.Add(new AdmissionSnapshot(model, slots, workers, limit == int.MaxValue ? null : limit, Reserve(model, line, limit), line.InFlight, line.Queue.Count, line.Tenants, line.Busiest));
            }

            return snapshot;
        }
    }

    /// <summary>
    /// Asks for a place: <see cref="AdmissionResult.Granted"/> with <paramref name="ticket"/> set, or
    /// <see cref="AdmissionResult.Queued"/> (then <paramref name="granted"/> receives the ticket later, unless
    /// <see cref="Cancel"/> takes the request out first), or <see cref="AdmissionResult.Refused"/> (its tenant's line is full).
    /// </summary>
    public AdmissionResult Enter(string model, string tenant, TenantTier tier, Action<AdmissionTicket> granted, out AdmissionTicket? ticket, out object? waiter)
    {
        ticket = null;
        waiter = null;
        if (!_options.Enabled)
        {
            ticket = new AdmissionTicket(model, tenant);
            return AdmissionResult.Granted;
        }

        lock (_lock)
        {
            var line = Line(model);
            line.Seen[tenant] = _clock.GetTimestamp();
            var limit = Limit(model);
            var reserve = Reserve(model, line, limit);
            if ((line.Queue.Count == 0 && line.InFlight < limit - reserve)
                || (line.InFlight < limit && line.Queue.CountOf(tenant) == 0 && line.MayUseReserve(tenant)))
            {
                ticket = line.Grant(model, tenant);
                return AdmissionResult.Granted;
            }

            if (line.Queue.CountOf(tenant) >= _options.MaxQueuedPerTenant)
            {
                return AdmissionResult.Refused;
            }

            var entry = new Waiter(tenant, granted);
            line.Queue.Enqueue(tenant, _tenancy.Weight(tier), entry);
            waiter = entry;
            return AdmissionResult.Queued;
        }
    }

    /// <summary>
    /// Waits for a place, up to <see cref="AdmissionOptions.MaxWaitSeconds"/>: the ticket, or null when the tenant's line
    /// is full or the wait ran out (the caller answers 429).
    /// </summary>
    public async Task<AdmissionTicket?> EnterAsync(string model, Caller caller, CancellationToken cancellationToken)
    {
        var granted = new TaskCompletionSource<AdmissionTicket>(TaskCreationOptions.RunContinuationsAsynchronously);
        switch (Enter(model, caller.TenantId, caller.Tier, t => granted.TrySetResult(t), out var ticket, out var waiter))
        {
            case AdmissionResult.Granted:
                return ticket;
            case AdmissionResult.Refused:
                return null;
        }

        try
        {
            return await granted.Task.WaitAsync(TimeSpan.FromSeconds(_options.MaxWaitSeconds), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            if (Cancel(model, waiter!))
            {
                if (e is OperationCanceledException)
                {
                    throw;
                }

                return null;
            }

            // Granted in the meantime: the place is ours, and must go back unless the caller still wants it.
            var late = await granted.Task.ConfigureAwait(false);
            if (e is OperationCanceledException)
            {
                Exit(late);
                throw;
            }

            return late;
        }
    }

    /// <summary>Takes a queued request out of its line; false when it was granted already (its callback has or will have its ticket).</summary>
    public bool Cancel(string model, object waiter)
    {
        lock (_lock)
        {
            var entry = (Waiter)waiter;
            return Line(model).Queue.Remove(entry.Tenant, entry);
        }
    }

    /// <summary>Gives a place back (once per ticket) and lets the next waiting requests in.</summary>
    public void Exit(AdmissionTicket ticket)
    {
        if (!ticket.TryRelease() || !_options.Enabled)
        {
            return;
        }

        lock (_lock)
        {
            Line(ticket.Model).Release(ticket.Tenant);
        }

        Pump(ticket.Model);
    }

    private void Pump(string model)
    {
        List<(Waiter Waiter, AdmissionTicket Ticket)>? grants = null;
        lock (_lock)
        {
            if (!_models.TryGetValue(model, out var line) || line.Queue.Count == 0)
            {
                return;
            }

            var limit = Limit(model);
            var reserve = Reserve(model, line, limit);
            while (line.InFlight < limit)
            {
                Waiter waiter;
                string tenant;
                if (line.InFlight < limit - reserve)
                {
                    if (!line.Queue.TryDequeue(out waiter, out tenant))
                    {
                        break;
                    }
                }
                else if (!line.Queue.TryDequeue(line.MayUseReserve, out waiter, out tenant))
                {
                    break;
                }

                (grants ??= []).Add((waiter, line.Grant(model, tenant)));
            }
        }

        foreach (var (waiter, ticket) in grants ?? [])
        {
            if (_synchronousGrants)
            {
                waiter.Granted(ticket);
            }
            else
            {
                // Outside the lock and off this thread: the caller that freed the place goes on with its own request.
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.Waiter.Granted(state.Ticket), (Waiter: waiter, Ticket: ticket), preferLocal: false);
            }
        }
    }

    // No heartbeat heard for the model: nothing to measure against, so nothing waits (the router answers for the fleet).
    private int Limit(string model)
    {
        var (slots, workers) = _capacity.For(model);
        return workers == 0 ? int.MaxValue : Math.Max(1, (int)Math.Floor(slots * _options.FleetShare) + (_options.ExtraPerWorker * workers));
    }

    // The places kept for a tenant that is not the busiest: none unless another tenant sent requests within the window
    // (a single tenant loses nothing), and never more than a quarter of the places.
    private int Reserve(string model, ModelLine line, int limit)
    {
        if (_options.ReservedPerWorker == 0 || limit == int.MaxValue)
        {
            return 0;
        }

        var cutoff = _clock.GetTimestamp() - (long)(_options.ReserveWindowSeconds * _clock.TimestampFrequency);
        var active = 0;
        foreach (var (tenant, seen) in line.Seen)
        {
            if (seen >= cutoff)
            {
                active++;
            }
            else if (!line.Holds(tenant))
            {
                line.Seen.Remove(tenant);
            }
        }

        return active < 2 ? 0 : Math.Min(_options.ReservedPerWorker * _capacity.For(model).Workers, limit / 4);
    }

    private ModelLine Line(string model)
    {
        if (!_models.TryGetValue(model, out var line))
        {
            line = new ModelLine();
            _models[model] = line;
        }

        return line;
    }

    private sealed class ModelLine
    {
        private readonly Dictionary<string, int> _held = new(StringComparer.Ordinal);

        public int InFlight { get; private set; }

        public WeightedFairQueue<Waiter> Queue { get; } = new();

        /// <summary>When each tenant last asked for a place (timestamps of the admission clock).</summary>
        public Dictionary<string, long> Seen { get; } = new(StringComparer.Ordinal);

        public bool Holds(string tenant) => _held.ContainsKey(tenant);

        /// <summary>Tenants holding places.</summary>
        public int Tenants => _held.Count;

        /// <summary>The most places one tenant holds.</summary>
        public int Busiest => _held.Count == 0 ? 0 : _held.Values.Max();

        /// <summary>A tenant holding fewer places than another tenant does may take a reserved place.</summary>
        public bool MayUseReserve(string tenant)
        {
            var mine = _held.GetValueOrDefault(tenant);
            foreach (var (other, count) in _held)
            {
                if (count > mine && !string.Equals(other, tenant, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        public AdmissionTicket Grant(string model, string tenant)
        {
            InFlight++;
            _held[tenant] = _held.GetValueOrDefault(tenant) + 1;
            return new AdmissionTicket(model, tenant);
        }

        public void Release(string tenant)
        {
            InFlight--;
            if (_held.TryGetValue(tenant, out var count))
            {
                if (count <= 1)
                {
                    _held.Remove(tenant);
                }
                else
                {
                    _held[tenant] = count - 1;
                }
            }
        }
    }

    private sealed class Waiter(string tenant, Action<AdmissionTicket> granted)
    {
        public string Tenant { get; } = tenant;

        public Action<AdmissionTicket> Granted { get; } = granted;
    }
}

namespace Suite.Gateway.Limits;

/// <summary>
/// Start-time fair queueing across tenants: each tenant has its own FIFO line, a request is tagged with a virtual start
/// time max(V, the tenant's previous finish) and advances its tenant's finish by cost ÷ weight, and the request with the
/// smallest tag goes first (V is the tag of the last one served). A tenant that has been quiet starts at V, so it is
/// served next however long another tenant's line is; tenants that are all busy share in proportion to their weights.
/// Not thread-safe: <see cref="FairAdmission"/> holds the lock. Written here because no served package offers one.
/// </summary>
public sealed class WeightedFairQueue<T>
{
    private readonly Dictionary<string, Line> _lines = new(StringComparer.Ordinal);
    private double _virtualTime;
    private long _sequence;

    public int Count { get; private set; }

    public int CountOf(string tenant) => _lines.TryGetValue(tenant, out var line) ? line.Items.Count : 0;

    public void Enqueue(string tenant, double weight, T item, double cost = 1)
    {
        if (!_lines.TryGetValue(tenant, out var line))
        {
            line = new Line(tenant);
            _lines[tenant] = line;
        }

        var start = Math.Max(_virtualTime, line.Finish);
        line.Finish = start + (cost / weight);
        line.Items.AddLast(new Entry(start, _sequence++, item));
        Count++;
    }

    /// <summary>The request with the smallest start tag (ties: the one that arrived first).</summary>
    public bool TryDequeue(out T item, out string tenant) => TryDequeue(static _ => true, out item, out tenant);

    /// <summary>As <see cref="TryDequeue(out T, out string)"/>, among the tenants <paramref name="eligible"/> accepts.</summary>
    public bool TryDequeue(Func<string, bool> eligible, out T item, out string tenant)
    {
        Line? best = null;
        List<string>? idle = null;
        foreach (var line in _lines.Values)
        {
            if (line.Items.First is not { } head)
            {
                // A line with nothing waiting and no credit left ahead of V carries no state worth keeping.
                if (line.Finish <= _virtualTime)
                {
                    (idle ??= []).Add(line.Tenant);
                }

                continue;
            }

            if (!eligible(line.Tenant))
            {
                continue;
            }

            if (best is null || head.Value.Start < best.Items.First!.Value.Start
                || (head.Value.Start == best.Items.First!.Value.Start && head.Value.Sequence < best.Items.First.Value.Sequence))
            {
                best = line;
            }
        }

        foreach (var name in idle ?? [])
        {
            _lines.Remove(name);
        }

        if (best is null)
        {
            item = default!;
            tenant = string.Empty;
            return false;
        }

        var entry = best.Items.First!.Value;
        best.Items.RemoveFirst();
        Count--;
        _virtualTime = entry.Start;
        item = entry.Item;
        tenant = best.Tenant;
        return true;
    }

    /// <summary>Takes a request out of its line (it gave up waiting); false when it is not there (already served).</summary>
    public bool Remove(string tenant, T item)
    {
        if (!_lines.TryGetValue(tenant, out var line))
        {
            return false;
        }

        for (var node = line.Items.First; node is not null; node = node.Next)
        {
            if (EqualityComparer<T>.Default.Equals(node.Value.Item, item))
            {
                line.Items.Remove(node);
                Count--;
                return true;
            }
        }

        return false;
    }

    private sealed class Line(string tenant)
    {
        public string Tenant { get; } = tenant;

        public double Finish { get; set; }

        public LinkedList<Entry> Items { get; } = new();
    }

    private readonly record struct Entry(double Start, long Sequence, T Item);
}

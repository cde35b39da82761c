using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Suite.Bench.Prefix;
using Suite.Contracts;
using Suite.Gateway;
using Suite.Gateway.Limits;
using Suite.Gateway.Tenancy;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Backends.Sim;
using Suite.Router;
using Suite.Router.Policy;

namespace Suite.Bench.Fairness;

/// <summary>
/// Weighted-fair admission under overload, in virtual time: the gateway's real admission code (<see cref="FairAdmission"/>
/// fed by the fleet's slots as heartbeats report them) in front of a simulated fleet with the real scheduler in every
/// worker and the router's real decisions (<see cref="SimFleet"/>). Tenant A offers several times what the fleet can
/// serve, tenant B a steady trickle. Three runs on the same requests: B alone; A and B with fair admission; A and B with
/// admission off (the workers' queues only, first come first served). The figure that matters is B's p90 time to first
/// token with A flooding against B alone (target ≤ 2×). Why virtual time rather than a real sim fleet over RabbitMQ: the
/// result then depends on the admission and scheduling code only, not on how loaded the 2-core machine is; the
/// distributed test checks the same behaviour on real processes with generous bounds.
/// </summary>
internal static class FairnessBench
{
    public const string Usage = "fairness [--workers 4] [--slots 16] [--flood 3] [--trickle 2] [--seconds 120] [--queue 256] [--reserve N] [--seed 7] [--check] [--output FILE.md]";

    private const double Step = 0.002;

    public static async Task<int> RunAsync(string[] args, SimulatedVocabulary vocabulary, ModelDescription model)
    {
        var settings = Settings.Parse(args);
        var workers = Enumerable.Range(0, settings.Workers).Select(i => ($"h100-{i}", SimulatedHardwareProfiles.H100Sxm)).ToList();

        // What the fleet serves when it is always full: A alone, offering far more than that, with admission on.
        var probe = Workload(settings, "A", 1000, settings.Seed + 1, Math.Min(30, settings.Seconds));
        var saturated = await RunOnceAsync("capacity probe", probe, fair: true, settings, workers, vocabulary, model);
        var capacity = saturated.Tenants["A"].ServedPerSecond;
        Console.WriteLine($"Fleet capacity (A alone, saturated): {capacity:0.0} requests/s");

        var a = Workload(settings, "A", settings.Flood * capacity, settings.Seed + 2, settings.Seconds);
        var b = Workload(settings, "B", settings.Trickle, settings.Seed + 3, settings.Seconds);
        var both = a.Concat(b).OrderBy(r => r.ArrivalSeconds).ToList();
        var runs = new List<FairnessRun>
        {
            await RunOnceAsync("B alone", b, fair: true, settings, workers, vocabulary, model),
            await RunOnceAsync("A floods, fair admission", both, fair: true, settings, workers, vocabulary, model),
            await RunOnceAsync("A floods, no admission (worker queues only)", both, fair: false, settings, workers, vocabulary, model),
        };

        var alone = runs[0].Tenants["B"].TtftP90;
        var fair = runs[1].Tenants["B"].TtftP90;
        var ratio = fair / alone;
        var report = Render(settings, capacity, runs, ratio);
        Console.WriteLine();
        Console.WriteLine(report);
        if (settings.Output is { } output)
        {
            await File.WriteAllTextAsync(output, report);
        }

        return settings.Check && !(ratio <= 2) ? 1 : 0;
    }

    private static async Task<FairnessRun> RunOnceAsync(string name, List<FairnessRequest> requests, bool fair, Settings settings, List<(string Id, SimulatedHardwareProfile Profile)> workers, SimulatedVocabulary vocabulary, ModelDescription model)
    {
        var clock = new VirtualClock();
        var capacity = new FleetCapacity(Options.Create(new GatewayOptions()), clock);
        var admission = new FairAdmission(capacity, new AdmissionOptions { Enabled = fair, MaxQueuedPerTenant = settings.Queue, MaxWaitSeconds = 3600, ReservedPerWorker = settings.Reserve }, new TenancyOptions(), synchronousGrants: true);
        var policy = RoutingPolicies.Create(Options.Create(new RouterOptions()));
        await using var fleet = new SimFleet(workers, vocabulary, model, policy, settings.Slots, pumpIntervalSeconds: 0.25);
        var outcomes = new Dictionary<FairnessRequest, (double SubmittedAt, Task<SequenceOutcome> Completion)>();
        var refused = new HashSet<FairnessRequest>();
        var running = new List<(AdmissionTicket Ticket, Task<SequenceOutcome> Completion)>();
        var nextBeat = 0.0;

        void Submit(FairnessRequest request, AdmissionTicket ticket)
        {
            var submitted = fleet.Submit(request.Prompt, request.OutputTokens) ?? throw new InvalidOperationException("The simulated fleet refused a request.");
            outcomes[request] = (clock.Seconds, submitted.Sequence.Completion);
            running.Add((ticket, submitted.Sequence.Completion));
        }

        void Beat()
        {
            // What the workers' heartbeats tell the gateway: their slots.
            while (nextBeat <= clock.Seconds)
            {
                foreach (var (id, _) in workers)
                {
                    capacity.Observe(id, model.Id, settings.Slots);
                }

                nextBeat += 0.25;
            }
        }

        var next = 0;
        var end = requests[^1].ArrivalSeconds + settings.DrainSeconds;
        for (var t = 0.0; t < end; t += Step)
        {
            for (; next < requests.Count && requests[next].ArrivalSeconds <= t + Step; next++)
            {
                var request = requests[next];
                clock.Seconds = request.ArrivalSeconds;
                fleet.AdvanceTo(request.ArrivalSeconds);
                Beat();
                switch (admission.Enter(model.Id, request.Tenant, TenantTier.Standard, ticket => Submit(request, ticket), out var granted, out _))
                {
                    case AdmissionResult.Granted:
                        Submit(request, granted!);
                        break;
                    case AdmissionResult.Refused:
                        refused.Add(request);
                        break;
                }
            }

            clock.Seconds = t + Step;
            fleet.AdvanceTo(t + Step);
            Beat();
            for (var i = running.Count - 1; i >= 0; i--)
            {
                if (running[i].Completion.IsCompleted)
                {
                    var ticket = running[i].Ticket;
                    running.RemoveAt(i);
                    admission.Exit(ticket);
                }
            }

            if (next >= requests.Count && running.Count == 0 && admission.Load(model.Id).Waiting == 0)
            {
                break;
            }
        }

        await Task.Yield();
        var window = requests[^1].ArrivalSeconds * 0.2;
        var figures = new Dictionary<string, FairnessRun.TenantFigures>(StringComparer.Ordinal);
        foreach (var tenant in requests.Select(r => r.Tenant).Distinct())
        {
            var measured = requests.Where(r => r.Tenant == tenant && r.ArrivalSeconds >= window).ToList();
            var ttfts = measured.Where(r => !refused.Contains(r)).Select(r => Ttft(r, outcomes)).Order().ToList();
            var served = measured.Count(r => outcomes.TryGetValue(r, out var o) && o.Completion.IsCompletedSuccessfully);
            figures[tenant] = new FairnessRun.TenantFigures(
                measured.Count,
                measured.Count(refused.Contains),
                served,
                Percentile(ttfts, 0.50),
                Percentile(ttfts, 0.90),
                Percentile(ttfts, 0.99),
                served / Math.Max(1e-9, requests[^1].ArrivalSeconds - window));
        }

        var run = new FairnessRun(name, figures, requests[^1].ArrivalSeconds);
        foreach (var (tenant, f) in figures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {name,-44} {tenant}: offered {f.Offered}, 429 {f.Refused}, served {f.Served}; TTFT p50 {Format(f.TtftP50)} p90 {Format(f.TtftP90)} p99 {Format(f.TtftP99)} s");
        }

        return run;
    }

    private static double Ttft(FairnessRequest request, Dictionary<FairnessRequest, (double SubmittedAt, Task<SequenceOutcome> Completion)> outcomes)
        => outcomes.TryGetValue(request, out var o) && o.Completion.IsCompletedSuccessfully && o.Completion.Result.GeneratedTokens > 0
            ? o.SubmittedAt - request.ArrivalSeconds + o.Completion.Result.FirstTokenSeconds
            : double.PositiveInfinity;

    private static List<FairnessRequest> Workload(Settings settings, string tenant, double rate, int seed, double seconds)
    {
        var random = new Random(seed);
        var requests = new List<FairnessRequest>();
        for (var at = -Math.Log(1 - random.NextDouble()) / rate; at < seconds; at += -Math.Log(1 - random.NextDouble()) / rate)
        {
            var prompt = new int[random.Next(settings.MinPrompt, settings.MaxPrompt + 1)];
            for (var i = 0; i < prompt.Length; i++)
            {
                prompt[i] = random.Next(100, 40_000);
            }

            requests.Add(new FairnessRequest(tenant, at, prompt, random.Next(settings.MinOutput, settings.MaxOutput + 1)));
        }

        return requests;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Format(double seconds) => double.IsPositiveInfinity(seconds) ? "∞" : seconds.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Render(Settings settings, double capacity, List<FairnessRun> runs, double ratio)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"# Weighted-fair admission under overload, simulated fleet ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        text.AppendLine();
        text.AppendLine(inv, $"Command: `dotnet run -c Release --project tests/Suite.Bench -- {settings.CommandLine}`");
        text.AppendLine();
        text.AppendLine(inv, $"Fleet: {settings.Workers} × `h100-sxm` simulated workers, {settings.Slots} slots each, in virtual time (steps of {Step * 1000:0} ms), router policy `predicted`. The gateway's `FairAdmission` admits while its requests in flight are fewer than the fleet's slots, keeping {settings.Reserve} places per worker for a tenant that holds fewer than the busiest one; past that, one line per tenant (at most {settings.Queue} waiting, then 429), weighted fair queueing (both tenants `standard`). Prompts {settings.MinPrompt}–{settings.MaxPrompt} random tokens (no shared prefix), outputs {settings.MinOutput}–{settings.MaxOutput} tokens. Measured capacity (A alone, saturated): {capacity:0.0} requests/s. Tenant A offers {settings.Flood}× that ({settings.Flood * capacity:0.0} requests/s, Poisson), tenant B {settings.Trickle} requests/s, for {settings.Seconds:0} simulated seconds; the first 20 % of arrivals are not measured. TTFT = wait for admission + the worker's time to first token, simulated seconds; ∞ = no first token {settings.DrainSeconds:0} s after the last arrival.");
        text.AppendLine();
        text.AppendLine("| run | tenant | offered | 429 at admission | served | served req/s | TTFT p50 s | p90 s | p99 s |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in runs)
        {
            foreach (var (tenant, f) in run.Tenants.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                text.AppendLine(inv, $"| {run.Name} | {tenant} | {f.Offered} | {f.Refused} | {f.Served} | {f.ServedPerSecond:0.0} | {Format(f.TtftP50)} | {Format(f.TtftP90)} | {Format(f.TtftP99)} |");
            }
        }

        var unfair = runs[2].Tenants["B"].TtftP90 / runs[0].Tenants["B"].TtftP90;
        text.AppendLine();
        text.AppendLine(inv, $"- B's p90 TTFT while A floods, with fair admission: {Format(runs[1].Tenants["B"].TtftP90)} s against {Format(runs[0].Tenants["B"].TtftP90)} s alone: {ratio:0.00}× (target ≤ 2×: {(ratio <= 2 ? "met" : "missed")}).");
        text.AppendLine(inv, $"- Without admission (the workers' first-come-first-served queues only): {Format(runs[2].Tenants["B"].TtftP90)} s, {(double.IsPositiveInfinity(unfair) ? "∞" : unfair.ToString("0.0", inv))}× alone.");
        text.AppendLine(inv, $"- A is throttled at the gateway: {runs[1].Tenants["A"].Refused} of its {runs[1].Tenants["A"].Offered} measured requests got 429, the rest waited in its line; B got {runs[1].Tenants["B"].Refused} refusals.");
        return text.ToString();
    }

    private sealed record Settings(int Workers, int Slots, double Flood, double Trickle, double Seconds, int Queue, int Seed, bool Check, string? Output, double DrainSeconds, int MinPrompt, int MaxPrompt, int MinOutput, int MaxOutput, string CommandLine, int Reserve)
    {
        public static Settings Parse(string[] args)
        {
            var s = new Settings(4, 16, 3, 2, 120, 256, 7, false, null, 60, 512, 1536, 64, 192, "fairness " + string.Join(' ', args), new AdmissionOptions().ReservedPerWorker);
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : string.Empty;
                var consumed = true;
                s = args[i] switch
                {
                    "--workers" => s with { Workers = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--slots" => s with { Slots = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--flood" => s with { Flood = double.Parse(value, CultureInfo.InvariantCulture) },
                    "--trickle" => s with { Trickle = double.Parse(value, CultureInfo.InvariantCulture) },
                    "--seconds" => s with { Seconds = double.Parse(value, CultureInfo.InvariantCulture) },
                    "--queue" => s with { Queue = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--seed" => s with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--reserve" => s with { Reserve = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--output" => s with { Output = value },
                    "--check" => Flag(s with { Check = true }, out consumed),
                    _ => throw new ArgumentException($"Unknown argument '{args[i]}'. Use {Usage}"),
                };
                if (consumed)
                {
                    i++;
                }
            }

            return s;
        }

        private static Settings Flag(Settings s, out bool consumed)
        {
            consumed = false;
            return s;
        }
    }
}

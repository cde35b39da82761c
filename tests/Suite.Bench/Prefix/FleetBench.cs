using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Backends.Sim;
using Suite.Router;
using Suite.Router.Policy;

namespace Suite.Bench.Prefix;

/// <summary>
/// Runs the routing policies side by side on the same shared-prefix workload and the same simulated fleet (4 H100 +
/// 4 Ascend 910B by default), one fresh fleet per policy, and prints TTFT p50/p90/p99, output tokens/s, cache-hit rate
/// and cost per million generated tokens. Requests in the first quarter of the arrival window warm the caches and are
/// not measured. Times are simulated seconds; cost is each worker's price × the simulated seconds it had work.
/// </summary>
internal static class FleetBench
{
    public const string Usage = "fleet [--rate 70] [--requests 6000] [--tenants 200] [--slots 64] [--ttft-target 0.5] [--h100 4] [--ascend 4] [--seed 42] [--policies round-robin,least-loaded,prefix,predicted-latency,predicted-cost] [--output FILE.md]";

    public static async Task<int> RunAsync(string[] args, SimulatedVocabulary vocabulary, ModelDescription model)
    {
        var settings = Settings.Parse(args);
        var workload = new FleetWorkload(Tenants: settings.Tenants, RequestsPerSecond: settings.Rate, Requests: settings.Requests, Seed: settings.Seed);
        var requests = workload.Generate();
        var workers = Enumerable.Range(0, settings.H100).Select(i => ($"h100-{i}", SimulatedHardwareProfiles.H100Sxm))
            .Concat(Enumerable.Range(0, settings.Ascend).Select(i => ($"910b-{i}", SimulatedHardwareProfiles.Ascend910B)))
            .ToList();
        Console.WriteLine($"Shared-prefix workload: {requests.Count} requests at {settings.Rate} req/s from {settings.Tenants} tenants (system prompts {workload.MinSystemTokens}-{workload.MaxSystemTokens} tokens), fleet {settings.H100} × H100 + {settings.Ascend} × 910B (simulated in virtual time)");
        var results = new List<FleetResult>();
        foreach (var policy in settings.Policies)
        {
            var result = await RunPolicyAsync(policy, settings, workers, requests, vocabulary, model);
            Console.WriteLine($"  {result.Policy,-18} TTFT p50 {result.TtftP50:0.000} s  p90 {result.TtftP90:0.000} s  p99 {result.TtftP99:0.000} s  {result.OutputTokensPerSecond:0} tok/s  hit {result.CacheHitRate:P1}  ${result.CostPerMillionTokens:0.00}/M  unserved {result.Unserved}");
            results.Add(result);
        }

        var report = Render(settings, workload, results);
        Console.WriteLine();
        Console.WriteLine(report);
        if (settings.Output is { } output)
        {
            await File.WriteAllTextAsync(output, report);
        }

        return 0;
    }

    private static async Task<FleetResult> RunPolicyAsync(string name, Settings settings, List<(string, SimulatedHardwareProfile)> workers, List<FleetRequest> requests, SimulatedVocabulary vocabulary, ModelDescription model)
    {
        var policy = Create(name, settings);
        await using var fleet = new SimFleet(workers, vocabulary, model, policy, settings.Slots, pumpIntervalSeconds: 0.25);
        var runs = new List<(FleetRequest Request, Task<SequenceOutcome>? Outcome, string Worker)>(requests.Count);
        foreach (var request in requests)
        {
            fleet.AdvanceTo(request.ArrivalSeconds);
            var submitted = fleet.Submit(request.Prompt, request.OutputTokens);
            runs.Add(submitted is { } s ? (request, s.Sequence.Completion, s.Decision.WorkerId) : (request, null, "none"));
        }

        // Requests still waiting long after the last arrival are the policy's backlog: give them a bounded drain.
        var end = requests[^1].ArrivalSeconds + settings.DrainSeconds;
        for (var t = requests[^1].ArrivalSeconds; t < end && runs.Any(r => r.Outcome is { IsCompleted: false }); t += 1)
        {
            fleet.AdvanceTo(Math.Min(t + 1, end));
        }

        await Task.Yield(); // completions run their continuations asynchronously
        var windowStart = requests[^1].ArrivalSeconds * 0.25;
        var measured = runs.Where(r => r.Request.ArrivalSeconds >= windowStart).ToList();
        var ttfts = measured.Select(r => r.Outcome is { IsCompletedSuccessfully: true } o && o.Result.GeneratedTokens > 0 ? o.Result.FirstTokenSeconds : double.PositiveInfinity).Order().ToList();
        var finished = runs.Where(r => r.Outcome is { IsCompletedSuccessfully: true }).Select(r => r.Outcome!.Result).ToList();
        var generated = finished.Sum(o => (long)o.GeneratedTokens);
        var prompt = finished.Sum(o => (long)o.PrefixTokens);
        var cached = finished.Sum(o => (long)o.CachedTokens);
        var makespan = fleet.Now;
        var cost = fleet.Backends.Sum(b => b.Profile.CostPerHourUsd.Value / 3600 * b.BusySeconds);
        var placement = string.Join(", ", measured.GroupBy(r => r.Worker.Split('-')[0]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count() * 100.0 / measured.Count:0}%"));
        return new FleetResult(
            policy.Name,
            measured.Count,
            ttfts.Count(double.IsPositiveInfinity),
            Percentile(ttfts, 0.50),
            Percentile(ttfts, 0.90),
            Percentile(ttfts, 0.99),
            generated / Math.Max(1e-9, makespan),
            prompt == 0 ? 0 : cached / (double)prompt,
            generated == 0 ? double.NaN : cost / generated * 1e6,
            placement);
    }

    private static IRoutingPolicy Create(string name, Settings settings)
    {
        var options = Options.Create(new RouterOptions
        {
            Policy = name.StartsWith("predicted", StringComparison.Ordinal) ? "predicted" : name,
            Objective = name == "predicted-cost" ? RoutingObjective.Cost : RoutingObjective.Latency,
            TtftTargetSeconds = settings.TtftTarget,
        });
        return RoutingPolicies.Create(options);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Render(Settings settings, FleetWorkload workload, List<FleetResult> results)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"# Shared-prefix routing on a simulated fleet ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        text.AppendLine();
        text.AppendLine(inv, $"Command: `dotnet run -c Release --project tests/Suite.Bench -- {settings.CommandLine}`");
        text.AppendLine();
        text.AppendLine(inv, $"Fleet: {settings.H100} × `h100-sxm` + {settings.Ascend} × `ascend-910b` simulated workers, {settings.Slots} slots each, prefix cache on (blocks of 16). Workload: {workload.Requests} requests, Poisson at {workload.RequestsPerSecond} req/s, {workload.Tenants} tenants (uniform), system prompts {workload.MinSystemTokens}–{workload.MaxSystemTokens} tokens, questions {workload.MinQuestionTokens}–{workload.MaxQuestionTokens}, outputs {workload.MinOutputTokens}–{workload.MaxOutputTokens} tokens, seed {workload.Seed}. The first quarter of the arrivals warms the caches and is not measured; a request without its first token {settings.DrainSeconds:0} s after the last arrival counts as unserved (infinite TTFT). Simulated seconds; cost = price × seconds each worker had work, per million generated tokens. Cost objective target: TTFT ≤ {settings.TtftTarget} s.");
        text.AppendLine();
        text.AppendLine("| policy | TTFT p50 s | p90 s | p99 s | output tok/s | cache hits | $ / M tokens | unserved | requests by pool |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            text.AppendLine(inv, $"| {r.Policy} | {Format(r.TtftP50)} | {Format(r.TtftP90)} | {Format(r.TtftP99)} | {r.OutputTokensPerSecond:0} | {r.CacheHitRate:P1} | {r.CostPerMillionTokens:0.000} | {r.Unserved} | {r.Placement} |");
        }

        string Format(double s) => double.IsPositiveInfinity(s) ? "∞" : s.ToString("0.000", inv);
        var rr = results.Find(r => r.Policy == "round-robin");
        var prefix = results.Find(r => r.Policy == "prefix");
        var latency = results.Find(r => r.Policy == "predicted-latency");
        var cost = results.Find(r => r.Policy == "predicted-cost");
        text.AppendLine();
        if (rr is not null && prefix is not null)
        {
            text.AppendLine(inv, $"- Prefix-aware p90 TTFT vs round-robin: {Ratio(rr.TtftP90, prefix.TtftP90)} better (target ≥ 5×); predicted-latency vs round-robin: {Ratio(rr.TtftP90, latency?.TtftP90 ?? double.NaN)}.");
        }

        if (prefix is not null && latency is not null)
        {
            text.AppendLine(inv, $"- Predicted-latency p90 TTFT vs prefix-only: {Ratio(prefix.TtftP90, latency.TtftP90)} better (target ≥ 1.3×).");
        }

        if (cost is not null && latency is not null)
        {
            text.AppendLine(inv, $"- Cost objective: ${cost.CostPerMillionTokens:0.000}/M vs ${latency.CostPerMillionTokens:0.000}/M for predicted-latency ({(cost.CostPerMillionTokens < latency.CostPerMillionTokens ? "cheaper" : "not cheaper")}); its p90 TTFT {Format(cost.TtftP90)} s against the {settings.TtftTarget} s target ({(cost.TtftP90 <= settings.TtftTarget ? "met" : "missed")}).");
        }

        return text.ToString();

        string Ratio(double baseline, double value) =>
            double.IsPositiveInfinity(baseline) && !double.IsPositiveInfinity(value) ? "∞×" : (baseline / value).ToString("0.0", inv) + "×";
    }

    private sealed record Settings(double Rate, int Requests, int Tenants, int Slots, double TtftTarget, int H100, int Ascend, int Seed, string[] Policies, string? Output, double DrainSeconds, string CommandLine)
    {
        public static Settings Parse(string[] args)
        {
            var s = new Settings(70, 6000, 200, 64, 0.5, 4, 4, 42, ["round-robin", "least-loaded", "prefix", "predicted-latency", "predicted-cost"], null, 30, "fleet " + string.Join(' ', args));
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : string.Empty;
                s = args[i] switch
                {
                    "--rate" => s with { Rate = double.Parse(value, CultureInfo.InvariantCulture) },
                    "--requests" => s with { Requests = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--tenants" => s with { Tenants = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--slots" => s with { Slots = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--ttft-target" => s with { TtftTarget = double.Parse(value, CultureInfo.InvariantCulture) },
                    "--h100" => s with { H100 = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--ascend" => s with { Ascend = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--seed" => s with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--drain-seconds" => s with { DrainSeconds = double.Parse(value, CultureInfo.InvariantCulture) },
                    "--policies" => s with { Policies = value.Split(',', StringSplitOptions.RemoveEmptyEntries) },
                    "--output" => s with { Output = value },
                    _ => throw new ArgumentException($"Unknown argument '{args[i]}'. Use {Usage}"),
                };
                i++;
            }

            return s;
        }
    }
}

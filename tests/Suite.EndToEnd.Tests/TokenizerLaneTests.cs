using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.EndToEnd.Tests;

/// <summary>
/// Tokenization cannot be monopolised: prompts that cannot fit are refused without encoding them whole, large inputs
/// are encoded in a lane of their own, and what they leave behind is garbage, not cache.
/// </summary>
[Collection(EmbeddedSuiteCollection.Name)]
public sealed class TokenizerLaneTests(EmbeddedSuiteFixture suite, ITestOutputHelper output)
{
    private const int BigWordBytes = 5_000_000;

    [Fact]
    public async Task A_short_chat_keeps_its_latency_while_four_5MB_single_word_chats_are_refused_and_memory_returns()
    {
        var cancellation = TestContext.Current.CancellationToken;

        // Baseline: the short chat alone.
        var baseline = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            baseline.Add(await ShortChatAsync(cancellation));
        }

        var before = await SettledWorkingSetAsync(cancellation);

        // Four distinct 5 MB "words" at once, and short chats one after another until all four are answered.
        var watch = Stopwatch.StartNew();
        var big = Enumerable.Range(0, 4).Select(i => BigChatAsync((char)('a' + i), watch, cancellation)).ToList();
        var during = new List<double>();
        var pending = Task.WhenAll(big);
        var firstShortDone = double.NaN;
        do
        {
            during.Add(await ShortChatAsync(cancellation));
            firstShortDone = double.IsNaN(firstShortDone) ? watch.Elapsed.TotalSeconds : firstShortDone;
        }
        while (!pending.IsCompleted);

        var refused = await pending;
        var peak = CurrentWorkingSet();

        // Memory: the bodies and everything made from them are garbage now. Short requests keep the process allocating
        // (so its collector runs) while the working set is polled back toward where it started.
        var bound = before + (200L << 20);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        long after;
        while ((after = CurrentWorkingSet()) > bound && DateTime.UtcNow < deadline)
        {
            await ShortChatAsync(cancellation);
            await Task.Delay(250, cancellation);
        }

        output.WriteLine($"short chat alone: median {Median(baseline):F0} ms, max {baseline.Max():F0} ms");
        output.WriteLine($"short chat during the big ones: {during.Count} requests, median {Median(during):F0} ms, max {during.Max():F0} ms");
        output.WriteLine($"big chats refused at {string.Join(", ", refused.Select(r => $"{r.Seconds:F2} s"))}; the first short chat during them was answered at {firstShortDone:F2} s");
        output.WriteLine($"working set: {before >> 20} MB before, {peak >> 20} MB just after, {after >> 20} MB at the end (bound {bound >> 20} MB)");

        // Before the lanes, the short chat waited behind all four (15 s, done after the last of them). Now it does not
        // wait for them: the first one is answered while big ones are still in flight, and none takes longer than
        // 1 s, or, on a machine so loaded that everything is slower, five times its usual latency or half the time
        // the slowest big request took.
        var slowestBig = refused.Max(r => r.Seconds);
        var latencyBound = Math.Max(1000, Math.Max(5 * Median(baseline), 500 * slowestBig));
        Assert.All(refused, r => Assert.Equal("context_length_exceeded", r.Code));
        Assert.True(firstShortDone < slowestBig, $"the first short chat ({firstShortDone:F2} s) waited for every big one (the last answered at {slowestBig:F2} s)");
        Assert.True(during.Max() < latencyBound, $"a short chat took {during.Max():F0} ms while the big ones were being refused (bound {latencyBound:F0} ms)");
        Assert.True(after <= bound, $"working set {after >> 20} MB did not return within 200 MB of the {before >> 20} MB it started from");
    }

    private async Task<double> ShortChatAsync(CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        using var response = await suite.Http.PostAsync("/v1/chat/completions", ErrorResponseTests.Json(new
        {
            model = EmbeddedSuiteFixture.Model,
            messages = new[] { new { role = "user", content = "Hi there" } },
            max_tokens = 2,
            temperature = 0,
        }), cancellation);
        var body = await response.Content.ReadAsStringAsync(cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return watch.Elapsed.TotalMilliseconds;
    }

    private async Task<(double Seconds, string? Code)> BigChatAsync(char letter, Stopwatch watch, CancellationToken cancellation)
    {
        var json = new StringBuilder(BigWordBytes + 200)
            .Append("{\"model\":\"").Append(EmbeddedSuiteFixture.Model).Append("\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"")
            .Append(letter, BigWordBytes)
            .Append("\"}]}")
            .ToString();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await suite.Http.PostAsync("/v1/chat/completions", content, cancellation);
        var body = await response.Content.ReadAsStringAsync(cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
        var code = JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString();
        return (watch.Elapsed.TotalSeconds, code);
    }

    /// <summary>The suite's working set once two readings a second apart agree within 5 MB (after start-up settles).</summary>
    private async Task<long> SettledWorkingSetAsync(CancellationToken cancellation)
    {
        var previous = CurrentWorkingSet();
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(1000, cancellation);
            var current = CurrentWorkingSet();
            if (Math.Abs(current - previous) < (5L << 20))
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }

    private long CurrentWorkingSet()
    {
        using var process = Process.GetProcessById(suite.Host.Id);
        return process.WorkingSet64;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

using System.Net;
using System.Text;
using Microsoft.Playwright;
using Suite.Dashboard.Tests.Infrastructure;

namespace Suite.Dashboard.Tests.Page;

/// <summary>The comparison page, in headless Chromium, through the distributed gateway's proxy to telemetry.</summary>
[Collection(DashboardSuiteCollection.Name)]
public sealed class DashboardPageTests(DashboardSuiteFixture suite)
{
    private static readonly PageWaitForFunctionOptions Patiently = new() { Timeout = 60_000, PollingInterval = 250 };

    [Fact]
    public async Task The_page_shows_every_live_pool_and_marks_simulated_pools()
    {
        var page = await suite.OpenDashboardAsync();
        try
        {
            await page.WaitForFunctionAsync("() => ['sim-h100', 'sim-910b'].every(p => document.querySelector(`article.pool[data-pool=\"${p}\"]`))", null, Patiently);

            foreach (var pool in new[] { "sim-h100", "sim-910b" })
            {
                var card = page.Locator($"article.pool[data-pool=\"{pool}\"]");
                Assert.Equal("true", await card.GetAttributeAsync("data-simulated"));
                Assert.Equal("sim", await card.GetAttributeAsync("data-backend"));
                Assert.True(await card.Locator(".badge.sim").IsVisibleAsync());
                Assert.Equal(1, await card.Locator("table.workers tbody tr").CountAsync());
            }

            Assert.Equal("live", await page.Locator("#status").GetAttributeAsync("data-state"));
            Assert.True(await page.EvaluateAsync<bool>("() => typeof uPlot === 'function'"), "the vendored chart library did not load through the gateway");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Charts_fill_with_latency_throughput_and_cost_after_traffic()
    {
        var page = await suite.OpenDashboardAsync();
        try
        {
            await SendTrafficAsync(requests: 32, concurrency: 8);

            await page.WaitForFunctionAsync(
                "() => ['ttft', 'itl', 'tokens', 'cost'].every(c => Number(document.querySelector(`[data-chart=\"${c}\"]`)?.dataset.points) > 0)",
                null,
                Patiently);

            // uPlot drew the series: one canvas per chart, and a legend entry per pool (and per percentile).
            var ttft = page.Locator("[data-chart=\"ttft\"]");
            Assert.Equal(1, await ttft.Locator("canvas").CountAsync());
            Assert.Contains("sim-h100 (simulated) p50", await ttft.InnerTextAsync());
            // No component reports prefix-cache hits yet: that panel stays away instead of showing an empty chart.
            Assert.Equal(0, await page.Locator("[data-chart=\"cache\"]:visible").CountAsync());
            var requests = await page.Locator("article.pool dl.figures").AllInnerTextsAsync();
            Assert.All(requests, r => Assert.Contains("requests", r));

            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardSuiteFixture.Artifacts, "dashboard.png"), FullPage = true });
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task A_pool_whose_workers_are_gone_leaves_the_page()
    {
        var worker = suite.StartWorker("sim-910c", "ascend-910c"); // the fixture disposes it
        var page = await suite.OpenDashboardAsync();
        try
        {
            await page.WaitForFunctionAsync("() => document.querySelector('article.pool[data-pool=\"sim-910c\"]')", null, Patiently);
            Assert.Contains("sim-910c", await page.Locator("[data-chart=\"workers\"]").GetAttributeAsync("data-series"));

            worker.Kill(); // SIGKILL: no goodbye, the pool must leave on the heartbeat timeout alone

            await page.WaitForFunctionAsync(
                "() => !document.querySelector('article.pool[data-pool=\"sim-910c\"]') && !document.querySelector('[data-chart=\"workers\"]').dataset.series.includes('sim-910c')",
                null,
                Patiently);
            Assert.Equal(1, await page.Locator("article.pool[data-pool=\"sim-h100\"]").CountAsync());
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private async Task SendTrafficAsync(int requests, int concurrency)
    {
        using var gate = new SemaphoreSlim(concurrency);
        var tasks = Enumerable.Range(0, requests).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var body = $$"""{"model":"{{DashboardSuiteFixture.Model}}","prompt":"Dashboard traffic {{i}}","max_tokens":24,"temperature":0}""";
                using var response = await suite.Http.PostAsync("/v1/completions", new StringContent(body, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
    }
}

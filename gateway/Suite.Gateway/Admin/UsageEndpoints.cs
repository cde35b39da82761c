using Microsoft.AspNetCore.Http;
using Suite.Gateway.Usage;

namespace Suite.Gateway.Admin;

/// <summary>
/// <c>GET /admin/v1/usage?start_time=&amp;end_time=&amp;tenant_id=&amp;key_id=&amp;model=</c>: requests and tokens per tenant, key,
/// model and backend over whole UTC hours (start rounded down, end up; times as Unix seconds or ISO 8601; default the
/// last 24 hours), with totals.
/// </summary>
internal static class UsageEndpoints
{
    public static async Task<IResult> GetAsync(HttpContext context, IUsageStore store, UsageRecorder recorder, TimeProvider time)
    {
        var query = context.Request.Query;
        var now = time.GetUtcNow();
        var end = Hour(AdminInput.QueryTime(query["end_time"], "end_time") ?? now, up: true);
        var start = Hour(AdminInput.QueryTime(query["start_time"], "start_time") ?? now.AddHours(-24), up: false);
        if (start >= end)
        {
            throw AdminInput.Fail("Invalid range: 'start_time' must be before 'end_time'.", "start_time");
        }

        // This gateway's counts not yet written go in first; other gateways write theirs every few seconds.
        await recorder.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        var rows = await store.QueryAsync(new UsageQuery(start, end, Filter(query["tenant_id"]), Filter(query["key_id"]), Filter(query["model"])), context.RequestAborted).ConfigureAwait(false);
        var views = rows.Select(AdminViews.Of).ToList();
        var totals = new AdminViews.UsageTotals(views.Sum(r => r.Requests), views.Sum(r => r.FailedRequests), views.Sum(r => r.InputTokens), views.Sum(r => r.OutputTokens));
        return AdminApi.Json(new AdminViews.UsageView("usage", start.ToUnixTimeSeconds(), end.ToUnixTimeSeconds(), views, totals));
    }

    private static string? Filter(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static DateTimeOffset Hour(DateTimeOffset time, bool up)
    {
        var hour = new DateTimeOffset(time.Year, time.Month, time.Day, time.Hour, 0, 0, TimeSpan.Zero);
        return up && hour < time ? hour.AddHours(1) : hour;
    }
}

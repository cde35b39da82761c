using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Suite.Gateway.Limits;

/// <summary>
/// OpenAI's rate-limit headers: <c>x-ratelimit-limit-requests</c>, <c>x-ratelimit-remaining-requests</c>,
/// <c>x-ratelimit-reset-requests</c> and the same for <c>-tokens</c>, with resets written as OpenAI writes them
/// (<c>1s</c>, <c>6m0s</c>, <c>120ms</c>).
/// </summary>
public static class RateLimitHeaders
{
    public static void Write(IHeaderDictionary headers, RateLimitSnapshot snapshot)
    {
        var inv = CultureInfo.InvariantCulture;
        if (snapshot.RequestsLimit is { } requests)
        {
            headers["x-ratelimit-limit-requests"] = requests.ToString(inv);
            headers["x-ratelimit-remaining-requests"] = snapshot.RequestsRemaining.ToString(inv);
            headers["x-ratelimit-reset-requests"] = Duration(snapshot.RequestsResetSeconds);
        }

        if (snapshot.TokensLimit is { } tokens)
        {
            headers["x-ratelimit-limit-tokens"] = tokens.ToString(inv);
            headers["x-ratelimit-remaining-tokens"] = snapshot.TokensRemaining.ToString(inv);
            headers["x-ratelimit-reset-tokens"] = Duration(snapshot.TokensResetSeconds);
        }
    }

    /// <summary>A duration as Go (and OpenAI) print it: <c>0s</c>, <c>250ms</c>, <c>1.5s</c>, <c>6m0s</c>, <c>1h2m3s</c>.</summary>
    public static string Duration(double seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        if (seconds <= 0)
        {
            return "0s";
        }

        if (seconds < 1)
        {
            return Math.Max(1, (long)Math.Ceiling(seconds * 1000)).ToString(inv) + "ms";
        }

        var rounded = Math.Round(seconds, 3);
        var hours = (long)(rounded / 3600);
        var minutes = (long)(rounded % 3600 / 60);
        var rest = rounded - (hours * 3600) - (minutes * 60);
        var text = rest.ToString("0.###", inv) + "s";
        if (hours > 0)
        {
            return $"{hours.ToString(inv)}h{minutes.ToString(inv)}m{text}";
        }

        return minutes > 0 ? $"{minutes.ToString(inv)}m{text}" : text;
    }
}

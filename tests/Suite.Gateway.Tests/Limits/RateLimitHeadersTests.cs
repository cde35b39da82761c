using Microsoft.AspNetCore.Http;
using Suite.Gateway.Limits;

namespace Suite.Gateway.Tests.Limits;

public sealed class RateLimitHeadersTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(0.02, "20ms")]
    [InlineData(1, "1s")]
    [InlineData(1.5, "1.5s")]
    [InlineData(360, "6m0s")]
    [InlineData(3723, "1h2m3s")]
    public void Duration_IsWrittenAsOpenAiWritesIt(double seconds, string expected)
    {
        Assert.Equal(expected, RateLimitHeaders.Duration(seconds));
    }

    [Fact]
    public void Write_RequestsAndTokens_SetsTheSixHeaders()
    {
        var headers = new HeaderDictionary();

        RateLimitHeaders.Write(headers, new RateLimitSnapshot(60, 59, 1, 1000, 900, 6));

        Assert.Equal("60", headers["x-ratelimit-limit-requests"]);
        Assert.Equal("59", headers["x-ratelimit-remaining-requests"]);
        Assert.Equal("1s", headers["x-ratelimit-reset-requests"]);
        Assert.Equal("1000", headers["x-ratelimit-limit-tokens"]);
        Assert.Equal("900", headers["x-ratelimit-remaining-tokens"]);
        Assert.Equal("6s", headers["x-ratelimit-reset-tokens"]);
    }
}

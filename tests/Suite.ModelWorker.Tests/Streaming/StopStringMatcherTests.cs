using Suite.ModelWorker.Streaming;

namespace Suite.ModelWorker.Tests.Streaming;

public sealed class StopStringMatcherTests
{
    [Fact]
    public void Scan_NoStops_EverythingIsSafe()
    {
        Assert.Equal((-1, 5), new StopStringMatcher([]).Scan("hello"));
        Assert.True(new StopStringMatcher(["", ""]).IsEmpty);
    }

    [Fact]
    public void Scan_StopInside_ReturnsWhereItStartsAndOnlyTheTextBefore()
    {
        Assert.Equal((5, 5), new StopStringMatcher(["END"]).Scan("helloEND and more"));
    }

    [Fact]
    public void Scan_SeveralStops_TheEarliestWins()
    {
        Assert.Equal((2, 2), new StopStringMatcher(["zz", "\n"]).Scan("ab\nzz"));
    }

    [Fact]
    public void Scan_TextEndsWithAStopPrefix_HoldsThatPrefixBack()
    {
        var matcher = new StopStringMatcher(["</answer>"]);

        Assert.Equal((-1, 3), matcher.Scan("abc</an"));
        Assert.Equal((-1, 5), matcher.Scan("abc<x"));
    }

    [Fact]
    public void Scan_LongestHeldPrefixAmongStops_IsHeld()
    {
        var matcher = new StopStringMatcher(["abd", "abcd"]);

        Assert.Equal((-1, 1), matcher.Scan("xabc"));
    }

    [Fact]
    public void Scan_StopSplitAcrossChunks_IsFoundOnceComplete()
    {
        var matcher = new StopStringMatcher(["STOP"]);
        var pending = "tail ST";
        var (stopAt, safe) = matcher.Scan(pending);
        Assert.Equal((-1, 5), (stopAt, safe));

        pending = pending[safe..] + "OP more";
        Assert.Equal((0, 0), matcher.Scan(pending));
    }
}

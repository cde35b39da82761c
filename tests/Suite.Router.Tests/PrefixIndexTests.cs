using Suite.Contracts.KvCache;
using Suite.Router.Index;

namespace Suite.Router.Tests;

public sealed class PrefixIndexTests
{
    private static readonly ulong[] Chain = PrefixBlockHash.Compute(Workers.Model, Workers.Prompt(16 * 6), 16);

    [Fact]
    public void Match_WorkersHoldingLeadingBlocks_ReportsEachOnesConsecutiveOverlap()
    {
        var index = new PrefixIndex();
        index.Apply(0, Snapshot("a", 1, Chain[..6]));
        index.Apply(1, Snapshot("b", 1, Chain[..2]));
        index.Apply(2, Snapshot("c", 1, [Chain[0], Chain[2], Chain[3]])); // misses block 1: overlap 1
        index.Apply(3, Snapshot("d", 1, Chain[1..])); // misses block 0: overlap 0

        var overlap = new int[8];
        var touched = new List<int>();
        var depth = index.Match(Chain, overlap, touched);

        Assert.Equal(6, depth);
        Assert.Equal([6, 2, 1, 0], overlap[..4]);
        Assert.Equal([0, 1, 2], touched.Order());
    }

    [Fact]
    public void Apply_StoredThenEvicted_TheIndexFollows_AndAGapIsReported()
    {
        var index = new PrefixIndex();
        index.Apply(0, Snapshot("a", 0, []));

        Assert.True(index.Apply(0, Changed("a", 1, stored: Chain[..3], evicted: [])));
        Assert.True(index.Apply(0, Changed("a", 2, stored: [], evicted: [Chain[2]])));
        Assert.Equal(2, index.BlocksOf(0));
        Assert.True(index.Apply(0, Changed("a", 2, stored: [Chain[5]], evicted: []))); // a repeat: ignored
        Assert.Equal(2, index.BlocksOf(0));
        Assert.False(index.Apply(0, Changed("a", 4, stored: [Chain[3]], evicted: []))); // 3 was missed
        Assert.Equal(2, index.AppliedSequence(0));
    }

    [Fact]
    public void Apply_Snapshot_ReplacesWhatWasKnownAndSyncsTheSequence()
    {
        var index = new PrefixIndex();
        Assert.Null(index.AppliedSequence(0));
        index.Apply(0, Changed("a", 5, stored: Chain[..4], evicted: []));
        Assert.Null(index.AppliedSequence(0)); // not synced yet: needs a snapshot

        index.Apply(0, Snapshot("a", 7, Chain[2..3]));

        Assert.Equal(1, index.BlocksOf(0));
        Assert.Equal(1, index.BlockCount);
        Assert.Equal(7, index.AppliedSequence(0));
    }

    [Fact]
    public void RemoveWorker_ItsBlocksLeave_OthersStay()
    {
        var index = new PrefixIndex();
        index.Apply(0, Snapshot("a", 1, Chain[..4]));
        index.Apply(1, Snapshot("b", 1, Chain[..2]));

        index.RemoveWorker(0);

        var overlap = new int[4];
        index.Match(Chain, overlap, []);
        Assert.Equal([0, 2], overlap[..2]);
        Assert.Equal(2, index.BlockCount);
        Assert.Equal(0, index.BlocksOf(0));
    }

    [Fact]
    public async Task Expect_UnconfirmedEntries_CountUntilTheirLifetimeEnds_ConfirmedOnesStay()
    {
        var index = new PrefixIndex(TimeSpan.FromMilliseconds(100));
        index.Apply(0, Snapshot("a", 0, []));
        index.Expect(0, Chain[..4]);
        Assert.Equal(4, index.BlocksOf(0));
        index.Apply(0, Changed("a", 1, stored: Chain[..2], evicted: []));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (index.BlocksOf(0) > 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
            index.Sweep();
        }

        Assert.Equal(2, index.BlocksOf(0));
    }

    private static KvCacheSnapshot Snapshot(string worker, long sequence, ulong[] blocks) =>
        new(worker, Workers.Model, 16, sequence, blocks, DateTimeOffset.UtcNow);

    private static KvBlocksChanged Changed(string worker, long sequence, ulong[] stored, ulong[] evicted) =>
        new(worker, Workers.Model, 16, sequence, stored, evicted, DateTimeOffset.UtcNow);
}

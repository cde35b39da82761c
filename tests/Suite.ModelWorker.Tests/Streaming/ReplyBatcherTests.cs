using Suite.Contracts;
using Suite.ModelWorker.Streaming;
using Suite.ModelWorker.Tests.Hosting;

namespace Suite.ModelWorker.Tests.Streaming;

public sealed class ReplyBatcherTests
{
    private static readonly Uri Gateway = new("pipeline:gateway-a-hot");
    private static readonly Uri Other = new("pipeline:gateway-b-hot");

    [Fact]
    public async Task SendAsync_LoneStream_SendsEachChunkAtOnceInItsOwnBatch()
    {
        var sender = new RecordingSender();
        var batcher = new ReplyBatcher(sender);
        using var stream = batcher.Open(Gateway);
        var id = Guid.NewGuid();

        await batcher.SendAsync(Gateway, Chunk(id, 0)).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await batcher.SendAsync(Gateway, Chunk(id, 1)).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var batches = sender.OfType<TokensGeneratedBatch>().ToList();
        Assert.Equal(2, batches.Count);
        Assert.All(batches, b => Assert.Single(b.Chunks));
    }

    [Fact]
    public async Task SendAsync_StreamsOfOneStep_LeaveInOneMessage()
    {
        var sender = new RecordingSender();
        var batcher = new ReplyBatcher(sender);
        var streams = Enumerable.Range(0, 4).Select(_ => batcher.Open(Gateway)).ToList();
        var ids = streams.Select(_ => Guid.NewGuid()).ToList();

        // One decode step: every stream's chunk is queued before the batcher's window closes.
        var sends = ids.Select(id => batcher.SendAsync(Gateway, Chunk(id, 0))).ToList();
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var batches = sender.OfType<TokensGeneratedBatch>().ToList();
        Assert.True(batches.Count <= 2, $"{batches.Count} messages for one step of 4 streams");
        Assert.Equal(ids.ToHashSet(), batches.SelectMany(b => b.Chunks).Select(c => c.RequestId).ToHashSet());
        streams.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task SendAsync_ManyChunks_KeepTheirOrderPerAddressAndNeverMixAddresses()
    {
        var sender = new RecordingSender();
        var batcher = new ReplyBatcher(sender);
        using var a = batcher.Open(Gateway);
        using var b = batcher.Open(Other);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        var sends = new List<Task>();
        for (var i = 0; i < 200; i++)
        {
            sends.Add(batcher.SendAsync(Gateway, Chunk(first, i)));
            sends.Add(batcher.SendAsync(Other, Chunk(second, i)));
        }

        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        foreach (var (address, id) in new[] { (Gateway, first), (Other, second) })
        {
            var chunks = sender.Sent.Where(s => s.Address == address).SelectMany(s => ((TokensGeneratedBatch)s.Message).Chunks).ToList();
            Assert.All(chunks, c => Assert.Equal(id, c.RequestId));
            Assert.Equal(Enumerable.Range(0, 200), chunks.Select(c => c.Index));
        }
    }

    private static TokensGenerated Chunk(Guid id, int index) => new(id, index, [index], "t", "w", "cpu", 1);
}

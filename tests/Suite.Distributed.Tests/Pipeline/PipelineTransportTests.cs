using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.Distributed.Tests.Pipeline;

/// <summary>
/// The pipeline behaves the same on both transports, tested with the same code: order on an endpoint that handles one
/// message at a time, poison messages dropped and counted without stopping the endpoint, a failing handler answered
/// to its requester at once, and the sender's trace continued by the consumer.
/// </summary>
public sealed class PipelineTransportTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    public static TheoryData<string> Transports => new() { "in-memory", "rabbitmq" };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Messages_to_an_endpoint_of_concurrency_one_are_handled_in_the_order_sent(string transport)
    {
        await using var host = await PipelineHost.StartAsync(transport, broker.Broker.Uri);
        var worker = PipelineAddresses.Address(host.WorkerQueue);
        var reply = PipelineAddresses.Address(host.GatewayQueue);

        for (var i = 1; i <= 300; i++)
        {
            await host.Sender.SendAsync(worker, PipelineHost.Command(i, reply), cancellationToken: TestContext.Current.CancellationToken);
        }

        await WaitAsync(() => host.Records.Commands.Count == 300, "300 commands handled");
        Assert.Equal(Enumerable.Range(1, 300), host.Records.Commands.Select(c => c.Command.Limits.MaxTokens!.Value));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Poison_messages_are_dropped_and_counted_and_the_endpoint_keeps_serving(string transport)
    {
        await using var host = await PipelineHost.StartAsync(transport, broker.Broker.Uri);
        using var failures = new FailureCounter(host.WorkerQueue);
        var reply = PipelineAddresses.Address(host.GatewayQueue);

        await host.Transport.PublishAsync(host.WorkerQueue, new PipelineDelivery("Suite.Contracts.NoSuchMessage", Encoding.UTF8.GetBytes("{}"), null, null), null, TestContext.Current.CancellationToken);
        await host.Transport.PublishAsync(host.WorkerQueue, new PipelineDelivery(PipelineMessage.TypeName(typeof(Suite.Contracts.PrepareGeneration)), Encoding.UTF8.GetBytes("{ not json"), null, null), null, TestContext.Current.CancellationToken);
        await host.Sender.SendAsync(PipelineAddresses.Address(host.WorkerQueue), PipelineHost.Command(7, reply), cancellationToken: TestContext.Current.CancellationToken);

        await WaitAsync(() => host.Records.Commands.Count == 1, "the good command after two poison messages");
        Assert.Equal(7, host.Records.Commands.Single().Command.Limits.MaxTokens);
        Assert.Equal(["unknown_type", "unreadable"], failures.Reasons.Order(StringComparer.Ordinal));
        Assert.Empty(host.Records.Failures);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_handler_that_throws_answers_the_requester_with_a_server_error_at_once(string transport)
    {
        await using var host = await PipelineHost.StartAsync(transport, broker.Broker.Uri);
        using var failures = new FailureCounter(host.WorkerQueue);
        var command = PipelineHost.Command(1, PipelineAddresses.Address(host.GatewayQueue), PipelineHost.PoisonPrompt);

        await host.Sender.SendAsync(PipelineAddresses.Address(host.WorkerQueue), command, cancellationToken: TestContext.Current.CancellationToken);

        await WaitAsync(() => !host.Records.Failures.IsEmpty, "the failure reply");
        var failed = Assert.Single(host.Records.Failures);
        Assert.Equal(command.RequestId, failed.RequestId);
        Assert.Equal(500, failed.Error.StatusCode);
        Assert.Equal("internal_error", failed.Error.Code);
        Assert.Equal(["handler_failed"], failures.Reasons);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task The_consumer_continues_the_senders_trace(string transport)
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is PipelineTracing.SourceName or "Suite.Tests.Sender",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("Suite.Tests.Sender");
        await using var host = await PipelineHost.StartAsync(transport, broker.Broker.Uri);
        string sent;
        using (var send = source.StartActivity("send"))
        {
            sent = send!.SpanId.ToHexString();
            await host.Sender.SendAsync(PipelineAddresses.Address(host.WorkerQueue), PipelineHost.Command(1, PipelineAddresses.Address(host.GatewayQueue)), cancellationToken: TestContext.Current.CancellationToken);
        }

        await WaitAsync(() => !host.Records.Commands.IsEmpty, "the command");
        Assert.Equal(sent, host.Records.Commands.Single().ParentSpanId);
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 30 s for {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Listens to the dispatcher's failure counter for one queue.</summary>
    private sealed class FailureCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<string> _reasons = [];

        public FailureCounter(string queue)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Suite.Pipeline")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                string? destination = null, reason = null;
                foreach (var tag in tags)
                {
                    destination = tag.Key == "messaging.destination.name" ? tag.Value as string : destination;
                    reason = tag.Key == "reason" ? tag.Value as string : reason;
                }

                if (destination == queue && reason is not null)
                {
                    lock (_reasons)
                    {
                        _reasons.Add(reason);
                    }
                }
            });
            _listener.Start();
        }

        public List<string> Reasons
        {
            get
            {
                lock (_reasons)
                {
                    return [.. _reasons];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}

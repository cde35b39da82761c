using MassTransit;
using Suite.Contracts;
using Suite.Contracts.Jobs;

// Submits one generation job to the suite over RabbitMQ and prints its chunks and its result.
//   dotnet run --project contracts/samples/Suite.Samples.QueueProducer -- \
//     --rabbitmq amqp://guest:guest@127.0.0.1:5672/ --model suite-smoke --prompt "Once upon a time" --max-tokens 32 --priority 5 --stream
string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var broker = new Uri(Arg("--rabbitmq", Environment.GetEnvironmentVariable("SUITE_RABBITMQ_URI") ?? "amqp://guest:guest@127.0.0.1:5672/"));
var stream = args.Contains("--stream");
var replyQueue = $"sample-producer-{Environment.ProcessId}";
var done = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);

var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
{
    cfg.Host(broker);

    // Results come back to the producer's own queue; auto-deleted when the sample exits.
    cfg.ReceiveEndpoint(replyQueue, e =>
    {
        e.AutoDelete = true;
        e.Durable = false;
        e.Handler<GenerationJobChunk>(context =>
        {
            Console.Write(context.Message.Text);
            return Task.CompletedTask;
        });
        e.Handler<GenerationJobCompleted>(context =>
        {
            done.TrySetResult(context.Message);
            return Task.CompletedTask;
        });
        e.Handler<GenerationJobFailed>(context =>
        {
            done.TrySetResult(context.Message);
            return Task.CompletedTask;
        });
    });
});

await bus.StartAsync(TimeSpan.FromSeconds(30));
try
{
    var priority = int.Parse(Arg("--priority", "0"), System.Globalization.CultureInfo.InvariantCulture);
    var job = new SubmitGenerationJob(
        Guid.NewGuid(),
        Arg("--model", "suite-smoke"),
        new GenerationInput(Arg("--prompt", "Once upon a time"), null),
        new SamplingParameters(Temperature: 0.7f, Seed: 42),
        new GenerationLimits(int.Parse(Arg("--max-tokens", "32"), System.Globalization.CultureInfo.InvariantCulture), []),
        new Uri($"queue:{replyQueue}?durable=false&autodelete=true"),
        priority,
        stream);

    // Send to the jobs exchange (not queue:suite-jobs, which would redeclare the priority queue without its argument).
    var endpoint = await bus.GetSendEndpoint(QueueNames.JobsAddress);
    await endpoint.Send(job, context => context.SetPriority((byte)priority));
    Console.Error.WriteLine($"submitted job {job.JobId}");

    var result = await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
    Console.WriteLine();
    Console.WriteLine(result switch
    {
        GenerationJobCompleted c => $"completed: {c.FinishReason}, {c.PromptTokens} prompt + {c.CompletionTokens} completion tokens on {c.WorkerId} ({c.Backend}), attempts {c.Attempts}\n{(stream ? string.Empty : c.Text)}",
        GenerationJobFailed f => $"failed: {f.StatusCode} {f.Type}: {f.Message}",
        _ => result.ToString(),
    });
}
finally
{
    await bus.StopAsync();
}

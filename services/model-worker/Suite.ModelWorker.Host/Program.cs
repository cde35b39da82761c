using Suite.ModelWorker;
using Suite.ModelWorker.Hosting;
using Suite.ServiceDefaults;
using Suite.ServiceDefaults.Bus;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("suite-model-worker", "http://127.0.0.1:8083");
if (SimulatedFleet.Requested(builder.Configuration))
{
    // Worker__SimWorkers > 1: many simulated workers, each a worker of its own, in this one process.
    builder.AddSimulatedFleet();
}
else
{
    builder.AddModelWorker();
    builder.AddSuiteBus();
}

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new { status = "healthy", service = "model-worker" }));
app.Run();

using Suite.Gateway;
using Suite.Gateway.Host;
using Suite.ServiceDefaults;
using Suite.ServiceDefaults.Bus;
using Suite.Telemetry.Apis;

var builder = WebApplication.CreateBuilder(args);
var embedded = SuiteMode.IsEmbedded(builder.Configuration);
builder.AddServiceDefaults(embedded ? "suite" : "suite-gateway", "http://127.0.0.1:8080");
builder.AddGateway();
if (embedded)
{
    builder.AddEmbeddedServices();
}

builder.AddSuiteBus();

var app = builder.Build();
app.MapGateway();
if (embedded)
{
    app.MapTelemetryApi();
}

app.Run();

/// <summary>Entry point, visible to tests that host the suite in-process.</summary>
public partial class Program;

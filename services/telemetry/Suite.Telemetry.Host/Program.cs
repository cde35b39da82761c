using Suite.Telemetry;
using Suite.ServiceDefaults;
using Suite.ServiceDefaults.Bus;
using Suite.Telemetry.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("suite-telemetry", "http://127.0.0.1:8084");
builder.AddTelemetry();
builder.AddSuiteBus();

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new { status = "healthy", service = "telemetry" }));
app.MapTelemetryApi();
app.Run();

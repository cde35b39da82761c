using Suite.Router;
using Suite.ServiceDefaults;
using Suite.ServiceDefaults.Bus;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("suite-router", "http://127.0.0.1:8082");
builder.AddRouter();
builder.AddSuiteBus();

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new { status = "healthy", service = "router" }));
app.Run();

using Suite.Tokenizer;
using Suite.ServiceDefaults;
using Suite.ServiceDefaults.Bus;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("suite-tokenizer", "http://127.0.0.1:8081");
builder.AddTokenizer();
builder.AddSuiteBus();

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new { status = "healthy", service = "tokenizer" }));
app.Run();

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>
/// A local OTLP/HTTP trace receiver (what an OpenTelemetry Collector offers on <c>/v1/traces</c>): every suite process
/// exports its spans here, and tests read them back.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var endpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(endpoint.ToString());
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, endpoint);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            foreach (var span in OtlpTraceDecoder.Decode(body.ToArray()))
            {
                receiver.Spans.Enqueue(span);
            }

            // An empty ExportTraceServiceResponse.
            context.Response.ContentType = "application/x-protobuf";
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/metrics", () => Results.Bytes([], "application/x-protobuf"));
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

using System.Net;

namespace Suite.Bench;

/// <summary>
/// Where the suites send their spans when the bench measures them traced: an OTLP/HTTP endpoint on loopback that
/// accepts every export and counts it, as a collector's receiver would, without storing anything. The suites it starts
/// inherit the OpenTelemetry variables this sets.
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private long _exports;
    private long _bytes;

    private OtlpSink(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Endpoint { get; }

    public long Exports => Interlocked.Read(ref _exports);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Starts the sink and points every child process's exporter at it, sampling as <paramref name="mode"/> says.</summary>
    public static OtlpSink Start(string mode)
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var sink = new OtlpSink(port);
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", sink.Endpoint.ToString().TrimEnd('/'));
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        Environment.SetEnvironmentVariable("OTEL_TRACES_SAMPLER", mode == "always" ? "always_on" : "parentbased_traceidratio");
        Environment.SetEnvironmentVariable("OTEL_TRACES_SAMPLER_ARG", mode == "always" ? "1" : "0.1");
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }

        foreach (var name in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body).ConfigureAwait(false);
            Interlocked.Increment(ref _exports);
            Interlocked.Add(ref _bytes, body.Length);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}

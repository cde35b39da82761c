using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Suite.Gateway.Edge;

/// <summary>Kestrel connection middleware that puts <see cref="ErrorBodyPipeWriter"/> on every connection's output.</summary>
public static class ErrorBodyConnection
{
    public static ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var transport = connection.Transport;
        connection.Transport = new Pipe(transport.Input, new ErrorBodyPipeWriter(transport.Output));
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.Transport = transport;
        }
    };

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

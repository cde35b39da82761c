using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Suite.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A loopback TCP port nobody listens on right now, for a service a test starts. It is taken below the kernel's
/// ephemeral range: a port from bind(0) lies inside that range, so between the moment it is released here and the
/// moment the service binds it, any process's outgoing connection can be given it as its local port, and the service
/// then fails with "address already in use". Below the range only listeners take ports. A port is handed out once per
/// test process, so two services of one fixture never get the same one.
/// </summary>
public static class FreePort
{
    private const int Lowest = 20000;
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        var highest = EphemeralLow() - 1;
        lock (Gate)
        {
            if (highest - Lowest >= 1000)
            {
                for (var attempt = 0; attempt < 500; attempt++)
                {
                    var port = Random.Shared.Next(Lowest, highest + 1);
                    if (!Given.Contains(port) && IsFree(port))
                    {
                        Given.Add(port);
                        return port;
                    }
                }
            }

            // A machine whose ephemeral range starts low: fall back to one the kernel picks.
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var chosen = ((IPEndPoint)listener.LocalEndpoint).Port;
            Given.Add(chosen);
            return chosen;
        }
    }

    /// <summary>Whether nothing listens on loopback <paramref name="port"/> right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}

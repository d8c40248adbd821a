using System.Net;
using System.Net.Sockets;

namespace WherebyGrains.Testing;

/// <summary>Free TCP ports on 127.0.0.1, so that tests running in parallel never collide.</summary>
public static class FreePort
{
    /// <summary>Asks the OS for a port that is free now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

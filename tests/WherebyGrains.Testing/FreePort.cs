using System.Net;
using System.Net.Sockets;

namespace WherebyGrains.Testing;

/// <summary>Free TCP ports on 127.0.0.1, so that tests running in parallel never collide.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// Asks the OS for a port that is free now and that this process has not been given before: the
    /// OS may hand a just-released port out again, and Azurite's three ports (or a silo's two) asked
    /// for one after another must differ.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}

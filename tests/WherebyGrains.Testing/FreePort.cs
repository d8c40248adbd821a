using System.Net;
using System.Net.Sockets;

namespace WherebyGrains.Testing;

/// <summary>Free TCP ports on 127.0.0.1, so that tests running in parallel never collide.</summary>
public static class FreePort
{
    /// <summary>
    /// Ports chosen by number stay below Linux's ephemeral range (32768 and up by default): a port in
    /// it can be taken at any moment by an outgoing connection (a silo's to Azurite, a test's HTTP
    /// client), and a silo that then cannot bind its gateway aborts at start-up.
    /// </summary>
    private const int BelowEphemeral = 32768;

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

    /// <summary>
    /// The first of <paramref name="count"/> consecutive free ports, between <paramref name="lowest"/>
    /// and 32767, for processes that take a base port and count up from it.
    /// </summary>
    public static int Block(int count, int lowest) => lowest + Offset(count, [lowest], BelowEphemeral - lowest - count);

    /// <summary>
    /// An offset <c>o</c> below <paramref name="maxOffset"/> for which, for every base <c>b</c> in
    /// <paramref name="bases"/>, the ports <c>b + o</c> to <c>b + o + count - 1</c> are all free and
    /// below the ephemeral range (a script that places several kinds of port by one offset).
    /// </summary>
    public static int Offset(int count, IReadOnlyList<int> bases, int maxOffset)
    {
        if (bases.Any(b => b + maxOffset + count > BelowEphemeral))
        {
            throw new ArgumentOutOfRangeException(nameof(maxOffset), "Ports at this offset would reach the ephemeral range.");
        }
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var offset = Random.Shared.Next(0, maxOffset);
            var ports = bases.SelectMany(b => Enumerable.Range(b + offset, count)).ToArray();
            lock (Given)
            {
                if (ports.Any(Given.Contains) || !ports.All(IsFree))
                {
                    continue;
                }
                Given.UnionWith(ports);
                return offset;
            }
        }
        throw new InvalidOperationException($"No offset below {maxOffset} gives {count} free ports at each of {string.Join(", ", bases)}.");
    }

    private static bool IsFree(int port)
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
}

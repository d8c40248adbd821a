using System.Collections.Concurrent;
using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace WherebyGrains.Simulator;

/// <summary>
/// A TCP proxy between a service and its Azure Table endpoint that counts the HTTP requests
/// passing through it, by method and table (an entity-group transaction is one request): the
/// storage cost measured from outside the service, deferred writes and all.
/// </summary>
public sealed class StorageProxyCommand : AsyncCommand<StorageProxyCommand.Settings>
{
    /// <summary>The command's settings.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--listen <PORT>"), Description("The port to listen on, on 127.0.0.1.")]
        public int Listen { get; init; }

        [CommandOption("--target <PORT>"), Description("The storage endpoint's port on 127.0.0.1 (Azurite's table port).")]
        public int Target { get; init; }

        [CommandOption("--counts <FILE>"), Description("Where the counts so far are written (JSON, every half second and on exit).")]
        public string Counts { get; init; } = "storage-requests.json";
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var listener = new TcpListener(IPAddress.Loopback, settings.Listen);
        listener.Start();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteCountsAsync(counts, settings.Counts, stop.Token);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        // On SIGTERM the process ends when this handler returns: the last counts are written first.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { stop.Cancel(); writer.Wait(TimeSpan.FromSeconds(5)); };
        AnsiConsole.MarkupLine($"counting storage requests on 127.0.0.1:{settings.Listen} -> 127.0.0.1:{settings.Target}");
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                _ = ServeAsync(client, settings.Target, counts, stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        listener.Stop();
        await writer;
        return 0;
    }

    private static async Task WriteCountsAsync(ConcurrentDictionary<string, long> counts, string file, CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = new SortedDictionary<string, long>(counts, StringComparer.Ordinal);
            var temporary = file + ".tmp";
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(snapshot), CancellationToken.None);
            File.Move(temporary, file, overwrite: true);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(500, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task ServeAsync(TcpClient client, int target, ConcurrentDictionary<string, long> counts, CancellationToken cancellationToken)
    {
        using var accepted = client;
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, target, cancellationToken);
            var fromClient = client.GetStream();
            var toServer = upstream.GetStream();
            var requests = new RequestCounter(counts);
            var up = PumpAsync(fromClient, toServer, requests.Feed, cancellationToken);
            var down = PumpAsync(toServer, fromClient, null, cancellationToken);
            // A side that closes its sending half leaves the other to finish (an answer still on its
            // way); a side that fails ends the connection, and the other's failure is observed.
            var first = await Task.WhenAny(up, down);
            var other = first == up ? down : up;
            if (first.IsCompletedSuccessfully)
            {
                await other;
            }
            else
            {
                _ = other.ContinueWith(static t => t.Exception, TaskScheduler.Default);
                await first;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
        }
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, Action<ReadOnlySpan<byte>>? observe, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            observe?.Invoke(buffer.AsSpan(0, read));
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        to.Socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Finds request boundaries in one connection's client-to-server bytes (HTTP/1.1, bodies by Content-Length).</summary>
    private sealed class RequestCounter(ConcurrentDictionary<string, long> counts)
    {
        private const int BodyKept = 4096;
        private readonly List<byte> _pending = [];
        private readonly List<byte> _body = [];
        private string? _request;
        private long _remaining;

        public void Feed(ReadOnlySpan<byte> bytes)
        {
            _pending.AddRange(bytes);
            while (true)
            {
                if (_request is null)
                {
                    var end = HeadersEnd();
                    if (end < 0)
                    {
                        return;
                    }
                    var head = Encoding.ASCII.GetString([.. _pending.GetRange(0, end)]);
                    _pending.RemoveRange(0, end + 4);
                    var lineEnd = head.IndexOf('\r', StringComparison.Ordinal);
                    _request = lineEnd >= 0 ? head[..lineEnd] : head;
                    _remaining = head.Split("\r\n").Select(h => h.Split(':', 2)).Where(h => h.Length == 2 && h[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                        .Select(h => long.Parse(h[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                    _body.Clear();
                }
                var take = (int)Math.Min(_remaining, _pending.Count);
                if (_body.Count < BodyKept)
                {
                    _body.AddRange(_pending.GetRange(0, Math.Min(take, BodyKept - _body.Count)));
                }
                _pending.RemoveRange(0, take);
                _remaining -= take;
                if (_remaining > 0)
                {
                    return;
                }
                counts.AddOrUpdate(Classify(_request, Encoding.ASCII.GetString([.. _body])), 1, (_, n) => n + 1);
                _request = null;
            }
        }

        private int HeadersEnd()
        {
            for (var i = 3; i < _pending.Count; i++)
            {
                if (_pending[i] == '\n' && _pending[i - 1] == '\r' && _pending[i - 2] == '\n' && _pending[i - 3] == '\r')
                {
                    return i - 3;
                }
            }
            return -1;
        }

        /// <summary>"METHOD kind table": the kind from the path (a point read, a query, a transaction), the table from the path or, for a transaction, its body.</summary>
        private static string Classify(string requestLine, string body)
        {
            var parts = requestLine.Split(' ');
            var method = parts[0];
            var path = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
            var resource = path.Split('?')[0].TrimEnd('/');
            var last = resource[(resource.LastIndexOf('/') + 1)..];
            if (last == "$batch")
            {
                var table = System.Text.RegularExpressions.Regex.Match(body, @"/([A-Za-z][A-Za-z0-9]*)\(PartitionKey") is { Success: true } m ? m.Groups[1].Value : "?";
                return $"{method} transaction {table}";
            }
            var name = last.Split('(')[0];
            var kind = (method, last.Contains("PartitionKey=", StringComparison.Ordinal)) switch
            {
                ("GET", true) => "point-read",
                ("GET", false) => "query",
                ("POST", _) => "insert",
                ("DELETE", _) => "delete",
                _ => "write",
            };
            return $"{method} {kind} {name}";
        }
    }
}

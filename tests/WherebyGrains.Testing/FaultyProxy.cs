using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace WherebyGrains.Testing;

/// <summary>What <see cref="FaultyProxy"/> does to the traffic it carries.</summary>
public enum ProxyFault
{
    /// <summary>Forwards everything at once.</summary>
    None,

    /// <summary>Forwards every byte <see cref="FaultyProxy.Delay"/> after it arrived (a longer round trip, each way).</summary>
    Slow,

    /// <summary>Accepts connections and bytes, forwards nothing until the fault ends (a frozen peer).</summary>
    Frozen,

    /// <summary>Resets every connection, open or new (a peer that is gone).</summary>
    Dropping,
}

/// <summary>
/// A TCP proxy on a free 127.0.0.1 port in front of a real server (Azurite, in the tests), that
/// delays, freezes or drops the traffic on command: storage that is slow, hung or gone, while
/// both the silo and the server keep running.
/// </summary>
public sealed class FaultyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;
    private volatile ProxyFault _fault;

    private FaultyProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How late each chunk is under <see cref="ProxyFault.Slow"/>, each way.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The current fault; setting <see cref="ProxyFault.Dropping"/> resets every open connection.</summary>
    public ProxyFault Fault
    {
        get => _fault;
        set
        {
            _fault = value;
            if (value == ProxyFault.Dropping)
            {
                foreach (var socket in _open.Keys)
                {
                    Reset(socket);
                }
            }
        }
    }

    /// <summary>Starts a proxy to <c>127.0.0.1:<paramref name="targetPort"/></c>.</summary>
    public static FaultyProxy Start(int targetPort) => new(targetPort);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var socket in _open.Keys)
        {
            Reset(socket);
        }
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            if (_fault == ProxyFault.Dropping)
            {
                Reset(client);
                continue;
            }
            _ = CarryAsync(client);
        }
    }

    private async Task CarryAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _open.TryAdd(client, 0);
        _open.TryAdd(server, 0);
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // A connection the fault or the peer ended.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(server, out _);
            Reset(client);
            Reset(server);
        }
    }

    /// <summary>
    /// Carries one direction: what arrives is sent on at once, or under <see cref="ProxyFault.Slow"/>
    /// <see cref="Delay"/> after it arrived. Chunks are not held one after another: slow storage is
    /// a longer round trip, not a narrower pipe, so a large request is late by the delay, not by the
    /// delay times its chunks.
    /// </summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var chunks = Channel.CreateUnbounded<(long Due, byte[] Bytes)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var sending = SendAsync(chunks.Reader, to);
        try
        {
            var buffer = new byte[16 * 1024];
            while (!sending.IsCompleted)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }
                var due = _fault == ProxyFault.Slow ? Stopwatch.GetTimestamp() + (long)(Delay.TotalSeconds * Stopwatch.Frequency) : 0;
                chunks.Writer.TryWrite((due, buffer.AsSpan(0, read).ToArray()));
            }
        }
        finally
        {
            chunks.Writer.TryComplete();
            // A reset ends the receive with an exception: the send side must not fault unobserved.
            _ = sending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        await sending;
    }

    private async Task SendAsync(ChannelReader<(long Due, byte[] Bytes)> chunks, Socket to)
    {
        await foreach (var (due, bytes) in chunks.ReadAllAsync(_stop.Token))
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _stop.Token);
            }
            while (_fault == ProxyFault.Frozen)
            {
                await Task.Delay(20, _stop.Token);
            }
            if (_fault == ProxyFault.Dropping)
            {
                return;
            }
            await to.SendAsync(bytes, SocketFlags.None, _stop.Token);
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            // Linger 0: an RST, as from a peer that is gone, not an orderly close.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}

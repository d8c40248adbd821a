using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WherebyGrains.ServiceDefaults;

/// <summary>
/// Guarantees that a host asked to stop does stop: if the graceful shutdown has not finished
/// <see cref="Grace"/> after the host's own shutdown timeout (e.g. Orleans retrying a membership
/// update against storage that is gone), the process exits. It stands down as soon as the host has
/// stopped, so a host that stops normally (or lives inside a test process) is never cut short.
/// Nothing acknowledged is at risk: an event is durable before its 2xx, and in-flight webhooks
/// were drained first.
/// </summary>
public sealed partial class ShutdownWatchdog(IOptions<HostOptions> host, IHostApplicationLifetime lifetime, ILogger<ShutdownWatchdog> logger) : IHostedService
{
    /// <summary>Time allowed beyond the host's shutdown timeout.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly ManualResetEventSlim _stopped = new();

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopped.Register(_stopped.Set);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        var limit = host.Value.ShutdownTimeout + Grace;
        // A dedicated background thread: it must fire even if the thread pool is wedged.
        new Thread(() =>
        {
            if (_stopped.Wait(limit))
            {
                return;
            }
            LogForcedExit(limit);
            Environment.Exit(3);
        })
        { IsBackground = true, Name = "shutdown-watchdog" }.Start();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Graceful shutdown did not finish within {Limit}: exiting now")]
    private partial void LogForcedExit(TimeSpan limit);
}

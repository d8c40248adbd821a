using WherebyGrains.Api.Webhooks;

namespace WherebyGrains.Silo;

/// <summary>
/// On SIGTERM: webhooks are already answered 503 (Whereby retries them elsewhere); this waits for
/// those in flight to get their answer before the silo, stopped after it, takes the grains away.
/// Registered after Orleans, so it stops before it.
/// </summary>
internal sealed partial class ShutdownDrain(IngestGate gate, ILogger<ShutdownDrain> logger) : IHostedService
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        LogDraining(gate.InFlight);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await gate.WhenIdleAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            LogGaveUp(gate.InFlight);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: new webhooks get 503; waiting for {InFlight} in flight")]
    private partial void LogDraining(int inFlight);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: {InFlight} webhooks still in flight after the drain limit")]
    private partial void LogGaveUp(int inFlight);
}

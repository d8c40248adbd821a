using WherebyGrains.Contracts;

namespace WherebyGrains.Silo;

/// <summary>
/// Applies spooled events to their rooms once the rooms are reachable again, then removes them.
/// Every silo drains; rooms dedupe, so an event applied by two silos at once is recorded once.
/// The rules are order-free, so spooled events may land after later ones.
/// </summary>
internal sealed partial class SpoolDrainer(AzureTableEventSpool spool, IGrainFactory grains, ILogger<SpoolDrainer> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ApplyTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var applied = 0;
            try
            {
                foreach (var (tenantId, evt) in await spool.PeekAsync(100, stoppingToken))
                {
                    try
                    {
                        await grains.GetGrain<IRoomGrain>(new RoomKey(tenantId, evt.RoomName).ToString()).RecordAsync(evt).WaitAsync(ApplyTimeout, stoppingToken);
                        await spool.RemoveAsync(tenantId, evt.Id, stoppingToken);
                        applied++;
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        LogNotYet(e, tenantId, evt.Id);
                    }
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogSpoolUnreadable(e);
            }
            if (applied > 0)
            {
                LogApplied(applied);
                continue;
            }
            try
            {
                await Task.Delay(Idle, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} spooled events to their rooms")]
    private partial void LogApplied(int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Spooled event {EventId} of tenant {TenantId} not applied yet; retried")]
    private partial void LogNotYet(Exception exception, string tenantId, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The spool could not be read; retried")]
    private partial void LogSpoolUnreadable(Exception exception);
}

using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// Writes a room's record a little after its events arrived (they are durable in the journal
/// already), so that every event of a burst shares one write; retried, with a longer wait, until
/// it succeeds. A storage outage logs its first failure with its trace, each retry at debug, and
/// one line when the write goes through.
/// </summary>
internal sealed partial class RoomWriteBehind(IGrainBase grain, RoomKey key, AttendanceLedger ledger, TimeSpan delay, ILogger logger)
{
    private IGrainTimer? _timer;
    private int _retries;

    /// <summary>Writes what is held after the delay, unless a write is already due.</summary>
    public void Schedule() => Schedule(delay);

    /// <summary>Writes what is held now (before deactivation); a failure is logged, the journal still has it.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ledger.PersistAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e)
        {
            LogWriteBehindFailed(e, key.TenantId, key.RoomName);
        }
    }

    private void Schedule(TimeSpan after) =>
        _timer ??= grain.RegisterGrainTimer(static (self, _) => self.WriteAsync(), this,
            new GrainTimerCreationOptions(after, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });

    private async Task WriteAsync()
    {
        _timer?.Dispose();
        _timer = null;
        try
        {
            await ledger.PersistAsync();
            if (_retries > 0)
            {
                LogWriteBehindRecovered(key.TenantId, key.RoomName, _retries);
                _retries = 0;
            }
        }
        catch (Exception e)
        {
            if (_retries++ == 0)
            {
                LogWriteBehindFailed(e, key.TenantId, key.RoomName);
            }
            else
            {
                LogWriteBehindRetryFailed(key.TenantId, key.RoomName, _retries, e.GetType().Name);
            }
            Schedule(delay * 2);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomName} of tenant {TenantId}: writing applied events failed; they are in the journal, and the write is retried")]
    private partial void LogWriteBehindFailed(Exception exception, string tenantId, string roomName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Room {RoomName} of tenant {TenantId}: writing applied events failed again ({Retries} failures, {ExceptionType}); retried")]
    private partial void LogWriteBehindRetryFailed(string tenantId, string roomName, int retries, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {RoomName} of tenant {TenantId}: applied events written after {Retries} failed writes")]
    private partial void LogWriteBehindRecovered(string tenantId, string roomName, int retries);
}

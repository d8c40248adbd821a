using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// Checkpoints a room's record: its events are durable in the journal already, so the record is
/// written when it is worth a request: <paramref name="delay"/> after the first event it does not
/// hold (every event meanwhile shares the write), soon after a session ends with none live, and before the room
/// deactivates. Retried until it succeeds. A storage outage logs its first failure with its trace,
/// each retry at debug, and one line when the write goes through.
/// </summary>
internal sealed partial class RoomWriteBehind(IGrainBase grain, RoomKey key, AttendanceLedger ledger, TimeSpan delay, TimeProvider clock, ILogger logger)
{
    /// <summary>
    /// How soon after a session's end the room checkpoints: long enough for what the end sets off
    /// (people's rows and listings, gathered for a fraction of a second, then written) to have
    /// marked its bookkeeping, which then joins the write instead of needing one of its own.
    /// </summary>
    private static readonly TimeSpan AfterSessionEnd = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan FirstRetryWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(30);

    private IGrainTimer? _timer;
    private DateTimeOffset _dueAt;
    private int _retries;

    /// <summary>Writes what is held after the delay, unless a write is already due.</summary>
    public void Schedule() => Schedule(delay);

    /// <summary>Writes what is held soon: a session ended and the room is idle, the moment a checkpoint is worth most.</summary>
    public void SessionEnded() => Schedule(AfterSessionEnd < delay ? AfterSessionEnd : delay);

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

    private void Schedule(TimeSpan after)
    {
        var dueAt = clock.GetUtcNow() + after;
        if (_timer is not null && _dueAt <= dueAt)
        {
            return;
        }
        _timer?.Dispose();
        _dueAt = dueAt;
        _timer = grain.RegisterGrainTimer(static (self, _) => self.WriteAsync(), this,
            new GrainTimerCreationOptions(after, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
    }

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
            // Backing off from a second to MaxRetryWait: soon after a blip, not hammering an outage.
            var wait = FirstRetryWait * Math.Pow(2, Math.Min(_retries - 1, 5));
            Schedule(wait < MaxRetryWait ? wait : MaxRetryWait);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomName} of tenant {TenantId}: writing applied events failed; they are in the journal, and the write is retried")]
    private partial void LogWriteBehindFailed(Exception exception, string tenantId, string roomName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Room {RoomName} of tenant {TenantId}: writing applied events failed again ({Retries} failures, {ExceptionType}); retried")]
    private partial void LogWriteBehindRetryFailed(string tenantId, string roomName, int retries, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {RoomName} of tenant {TenantId}: applied events written after {Retries} failed writes")]
    private partial void LogWriteBehindRecovered(string tenantId, string roomName, int retries);
}

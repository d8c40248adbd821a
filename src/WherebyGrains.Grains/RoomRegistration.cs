using Microsoft.Extensions.Logging;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// Lists a room in its tenant's room index (once, when it first appears) and its sessions in the
/// session directory (once each), and counts each session's start. After the acknowledgement,
/// never in its way; what fails is retried with the next settling, and every step is idempotent.
/// What it marks as done is written with the room's next write (<paramref name="changed"/>).
/// </summary>
internal sealed partial class RoomRegistration(
    RoomKey key,
    RoomState state,
    AttendanceLedger ledger,
    RoomArchiver archive,
    IGrainFactory grains,
    AttendanceMetrics metrics,
    Action changed,
    ILogger logger)
{
    private Task _registration = Task.CompletedTask;

    /// <summary>Registers what the last settling found, unless a registration is under way.</summary>
    public void Start()
    {
        if (_registration.IsCompleted)
        {
            _registration = RegisterAsync();
        }
    }

    private async Task RegisterAsync()
    {
        try
        {
            if (!state.Indexed && state.Events.Count > 0)
            {
                await grains.GetGrain<IRoomIndexGrain>(IRoomIndexGrain.KeyFor(key.TenantId, key.RoomName)).AddAsync(key.RoomName);
                state.Indexed = true;
                changed();
            }
            var sessions = (ledger.LastSettled?.Attendance.Sessions ?? []).Select(s => s.RoomSessionId)
                .Where(id => !state.RegisteredSessions.Contains(id) && !archive.IsArchived(id)).ToList();
            foreach (var bucket in sessions.GroupBy(id => ISessionDirectoryGrain.KeyFor(key.TenantId, id)))
            {
                await grains.GetGrain<ISessionDirectoryGrain>(bucket.Key).AddAsync(key.RoomName, [.. bucket]);
                foreach (var id in bucket)
                {
                    // Archived meanwhile (this ran on a computation from before): the room holds it no more.
                    if (!archive.IsArchived(id) && state.RegisteredSessions.Add(id))
                    {
                        metrics.Started(key.TenantId);
                        changed();
                    }
                }
            }
        }
        catch (Exception e)
        {
            LogRegistrationFailed(e, key.TenantId, key.RoomName);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomName} of tenant {TenantId}: index registration failed; retried later")]
    private partial void LogRegistrationFailed(Exception exception, string tenantId, string roomName);
}

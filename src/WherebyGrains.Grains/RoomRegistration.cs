using Microsoft.Extensions.Logging;
using WherebyGrains.Attendance;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// Keeps a room's entries in its tenant's cross-room views: its listing in the room index (pushed
/// when it changes, so that the rooms list activates no room) and its sessions in the session
/// directory (once each, counting each session's start). After the acknowledgement, never in its
/// way; one registration at a time, the latest listing last; what fails is retried with the next
/// settling (<paramref name="retryLater"/> asks for one when a registration failed, backing off from
/// 10 s to 10 min: a listing that failed to go out must not stay stale until the room's next event,
/// nor must retries add to an overloaded store's work), and every step is idempotent.
/// What it marks as done is written with the room's next write (<paramref name="changed"/>).
/// </summary>
internal sealed partial class RoomRegistration(
    RoomKey key,
    RoomState state,
    RoomArchiver archive,
    IGrainFactory grains,
    ISessionEntryTable? sessionEntries,
    AttendanceMetrics metrics,
    Action changed,
    Action<TimeSpan> retryLater,
    ILogger logger)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(10);
    private Task _registration = Task.CompletedTask;
    private int _failures;
    private (RoomListing? Listing, string[] Sessions)? _next;

    /// <summary>Registers what <paramref name="attendance"/> (as of <paramref name="now"/>, consistent with the room's state now) calls for.</summary>
    public void Start(RoomAttendance attendance, long now)
    {
        var listing = state.Events.Count == 0 && state.Archived.Count == 0 && state.HistoryMonths.Count == 0
            ? null
            : new RoomListing(key.RoomName, attendance.HasLiveSession ? null : RoomViews.Summary(key.RoomName, state, attendance, now));
        _next = (listing, [.. attendance.Sessions.Select(s => s.RoomSessionId)]);
        if (_registration.IsCompleted)
        {
            _registration = RegisterAsync();
        }
    }

    private async Task RegisterAsync()
    {
        // What a settling asked for while this ran goes next: the newest listing is never left unpushed.
        while (_next is var (listing, sessions))
        {
            _next = null;
            try
            {
                // Both at once, each gathered with other rooms' for a while; a lookup by roomSessionId
                // on this silo finds a session as soon as its entry is gathered.
                await Task.WhenAll(RegisterSessionsAsync(sessions), PushAsync(listing));
                _failures = 0;
            }
            catch (Exception e)
            {
                LogRegistrationFailed(e, key.TenantId, key.RoomName);
                var wait = FirstRetry * Math.Pow(2, Math.Min(_failures++, 6));
                retryLater(wait < LastRetry ? wait : LastRetry);
            }
        }
    }

    private async Task PushAsync(RoomListing? listing)
    {
        if (listing is not null && listing != state.Listed)
        {
            await grains.GetGrain<IRoomIndexGrain>(IRoomIndexGrain.KeyFor(key.TenantId, key.RoomName)).PutAsync(listing);
            state.Listed = listing;
            changed();
        }
    }

    private async Task RegisterSessionsAsync(string[] sessions)
    {
        var unregistered = sessions.Where(id => !state.RegisteredSessions.Contains(id) && !archive.IsArchived(id)).ToList();
        if (unregistered.Count == 0)
        {
            return;
        }
        if (sessionEntries is not null)
        {
            await sessionEntries.AddAsync(key.TenantId, key.RoomName, unregistered);
        }
        else
        {
            await Task.WhenAll(unregistered.GroupBy(id => ISessionDirectoryGrain.KeyFor(key.TenantId, id))
                .Select(entry => grains.GetGrain<ISessionDirectoryGrain>(entry.Key).AddAsync(key.RoomName, [.. entry])));
        }
        foreach (var id in unregistered)
        {
            // Archived meanwhile (this ran on a computation from before): the room holds it no more.
            if (!archive.IsArchived(id) && state.RegisteredSessions.Add(id))
            {
                metrics.Started(key.TenantId);
                changed();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomName} of tenant {TenantId}: index registration failed; retried later")]
    private partial void LogRegistrationFailed(Exception exception, string tenantId, string roomName);
}

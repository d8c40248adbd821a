namespace WherebyGrains.Contracts;

/// <summary>
/// One Whereby room of one tenant, keyed by <see cref="RoomKey"/>: events go in by
/// <see cref="ApplyAsync"/> (the ingest path, which has made them durable in the journal), views
/// come out. The journal's drainer and the room's archived sessions call it through
/// <see cref="IRoomCallbacks"/>.
/// </summary>
[Alias("wg.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>
    /// Dedupes one event and holds it at once; the room writes it to its own record later, together
    /// with others. The caller makes it durable in the journal before it is acknowledged.
    /// </summary>
    [Alias("Apply")]
    Task<ApplyOutcome> ApplyAsync(WherebyEvent evt);

    /// <summary>
    /// Says that the delivery which <see cref="ApplyAsync"/> answered as new was not
    /// acknowledged (its journal write failed): the next delivery of the event is then the new one.
    /// </summary>
    [Alias("Release"), Orleans.Concurrency.OneWay]
    Task ReleaseAsync(string eventId);

    /// <summary>The events this room holds now (not those archived with closed sessions), oldest first.</summary>
    [Alias("GetRecordedEvents")]
    Task<IReadOnlyList<WherebyEvent>> GetRecordedEventsAsync();

    /// <summary>Every session of the room with its totals, newest first.</summary>
    [Alias("GetSessions")]
    Task<IReadOnlyList<RoomSessionView>> GetSessionsAsync();

    /// <summary>The connections of one session (every connection of the room when null).</summary>
    [Alias("GetParticipants")]
    Task<IReadOnlyList<ParticipantView>> GetParticipantsAsync(string? roomSessionId);

    /// <summary>The room's totals over all its sessions.</summary>
    [Alias("GetSummary")]
    Task<RoomSummary> GetSummaryAsync();

    /// <summary>The current rows of one person (by person key) in this room's sessions not yet archived.</summary>
    [Alias("GetAttendance")]
    Task<IReadOnlyList<AttendanceRow>> GetAttendanceAsync(string personId);

    /// <summary>Live presence.</summary>
    [Alias("GetPresence")]
    Task<PresenceView> GetPresenceAsync();
}

namespace WherebyGrains.Contracts;

/// <summary>
/// One Whereby room of one tenant, keyed by <see cref="RoomKey"/>. It owns the room's events:
/// it dedupes them, holds them, and makes them durable in its own record (at once with
/// <see cref="RecordAsync"/>, or a little later with <see cref="ApplyAsync"/>, whose caller has
/// made the event durable in the journal).
/// </summary>
[Alias("wg.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records one event durably. Returns only once the event is in storage; throws when it
    /// could not be stored (the caller answers 503 and Whereby retries).
    /// </summary>
    [Alias("Record")]
    Task<IngestOutcome> RecordAsync(WherebyEvent evt);

    /// <summary>
    /// Records events the journal holds, as <see cref="RecordAsync"/> does each, in one call and
    /// sharing one write; completes once all are durable here (the journal may then drop them).
    /// </summary>
    [Alias("RecordJournaled")]
    Task RecordJournaledAsync(IReadOnlyList<WherebyEvent> events);

    /// <summary>
    /// Holds one event at once and writes it to the room's record shortly after, together with
    /// others (write-behind): for callers that make the event durable themselves (the journal)
    /// before they acknowledge it.
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

    /// <summary>Called by one of the room's archived sessions after a late event changed its totals.</summary>
    [Alias("UpdateArchived")]
    Task UpdateArchivedAsync(RoomSessionView summary);
}

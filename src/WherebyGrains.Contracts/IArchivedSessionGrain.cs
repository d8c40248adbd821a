
namespace WherebyGrains.Contracts;

/// <summary>
/// One archived session of one room, keyed by <see cref="RoomSessionKey"/>: the events of a
/// closed session, moved out of the room's record so that the room's stays small.
/// </summary>
[Alias("wg.IRoomSessionGrain")] // its name before the rename: aliases never change
public interface IArchivedSessionGrain : IGrainWithStringKey
{
    /// <summary>Takes over a closed session's events and hand-off fingerprints (idempotent).</summary>
    [Alias("Archive")]
    Task ArchiveAsync(IReadOnlyList<WherebyEvent> events, IReadOnlyDictionary<string, ulong> handedOff, long revision);

    /// <summary>Records a late event of this session.</summary>
    [Alias("Record")]
    Task<IngestOutcome> RecordAsync(WherebyEvent evt);

    /// <summary>The session with its totals.</summary>
    [Alias("GetSession")]
    Task<RoomSessionView?> GetSessionAsync();

    /// <summary>Its connections.</summary>
    [Alias("GetParticipants")]
    Task<IReadOnlyList<ParticipantView>> GetParticipantsAsync();

    /// <summary>The participants rows of <paramref name="roomSessionId"/>, one of the sessions this record holds.</summary>
    [Alias("GetParticipantsOf")]
    Task<IReadOnlyList<ParticipantView>> GetParticipantsOfAsync(string roomSessionId);
}

namespace WherebyGrains.Contracts;

/// <summary>
/// One month of a room's archived sessions, keyed <c>{roomKey}#history#{yyyyMM}</c>: the room
/// hands its older index entries here so that its own record stays the size of its recent days,
/// whatever the room's age. Only the room calls it.
/// </summary>
[Alias("wg.IRoomHistoryGrain")]
public interface IRoomHistoryGrain : IGrainWithStringKey
{
    /// <summary>The key of <paramref name="roomKey"/>'s history of the month of <paramref name="startedAt"/> (Unix ms).</summary>
    static string KeyFor(RoomKey roomKey, long startedAt) =>
        $"{roomKey}#history#{DateTimeOffset.FromUnixTimeMilliseconds(startedAt):yyyyMM}";

    /// <summary>Adds (or replaces, by session id) these sessions' summaries.</summary>
    [Alias("Add")]
    Task AddAsync(IReadOnlyList<RoomSessionView> sessions);

    /// <summary>Every session of the month.</summary>
    [Alias("GetSessions")]
    Task<IReadOnlyList<RoomSessionView>> GetSessionsAsync();
}

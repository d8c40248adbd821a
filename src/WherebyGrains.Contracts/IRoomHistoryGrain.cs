namespace WherebyGrains.Contracts;

/// <summary>
/// One month of a room's archived sessions, keyed <c>{roomKey}#history#{yyyyMM}</c>: the room
/// hands its older index entries here so that its own record stays the size of its recent days,
/// whatever the room's age. Only the room calls it.
/// </summary>
[Alias("wg.IRoomHistoryGrain")]
public interface IRoomHistoryGrain : IGrainWithStringKey
{
    /// <summary>The month (<c>yyyyMM</c>, UTC) a session that started at <paramref name="startedAt"/> (Unix ms) is kept under.</summary>
    static string MonthOf(long startedAt) =>
        DateTimeOffset.FromUnixTimeMilliseconds(startedAt).ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The key of <paramref name="roomKey"/>'s history of <paramref name="month"/> (see <see cref="MonthOf"/>).</summary>
    static string KeyFor(RoomKey roomKey, string month) => $"{roomKey}#history#{month}";

    /// <summary>Adds (or replaces, by session id) these sessions' summaries.</summary>
    [Alias("Add")]
    Task AddAsync(IReadOnlyList<RoomSessionView> sessions);

    /// <summary>Every session of the month.</summary>
    [Alias("GetSessions")]
    Task<IReadOnlyList<RoomSessionView>> GetSessionsAsync();
}

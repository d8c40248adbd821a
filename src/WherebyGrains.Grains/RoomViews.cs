using WherebyGrains.Attendance;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// What a room shows, from its record (archived sessions, history totals) and what the rules give
/// for the events it holds: plain functions, no grain calls.
/// </summary>
internal static class RoomViews
{
    /// <summary>Every session: those in history (read by the caller), archived and live, newest first.</summary>
    public static IReadOnlyList<RoomSessionView> Sessions(string roomName, RoomState state, RoomAttendance attendance, long now, IEnumerable<RoomSessionView> history) =>
        [.. history.Concat(state.Archived.Select(a => a.Summary)).Concat(attendance.Sessions.Select(s => AttendanceViews.Session(roomName, s, now)))
            .OrderByDescending(s => s.StartedAt).ThenBy(s => s.RoomSessionId, StringComparer.Ordinal)];

    /// <summary>The connections of the sessions held (of one of them, when <paramref name="roomSessionId"/> is given).</summary>
    public static IReadOnlyList<ParticipantView> Participants(string roomName, RoomAttendance attendance, string? roomSessionId, long now) =>
        [.. attendance.Connections.SelectMany(c => AttendanceViews.Participants(roomName, c, roomSessionId, now))];

    /// <summary>One person's rows in the sessions held.</summary>
    public static IReadOnlyList<AttendanceRow> Attendance(string roomName, RoomAttendance attendance, string personId, long now) =>
        [.. attendance.Sessions.SelectMany(s => s.People.Where(p => p.PersonId == personId).Select(p => AttendanceViews.Row(roomName, s, p, now)))];

    /// <summary>The room's totals over all its sessions; what moved to history counts through the totals kept of it.</summary>
    public static RoomSummary Summary(string roomName, RoomState state, RoomAttendance attendance, long now)
    {
        var totals = new RoomTotals();
        foreach (var s in state.Archived.Select(a => a.Summary).Concat(attendance.Sessions.Select(s => AttendanceViews.Session(roomName, s, now))))
        {
            totals.Add(s);
        }
        var people = state.Archived.SelectMany(a => a.PersonHashes)
            .Concat(attendance.Sessions.SelectMany(s => s.People).Select(p => StoredHash.Of(p.PersonId)))
            .Concat(state.HistoryPeople)
            .Distinct()
            .Count();
        var history = state.HistoryTotals;
        return new RoomSummary
        {
            RoomName = roomName,
            FirstSessionStartedAt = Earliest(totals.FirstSessionStartedAt, history.FirstSessionStartedAt),
            LastSessionStartedAt = Latest(totals.LastSessionStartedAt, history.LastSessionStartedAt),
            TotalSessions = totals.Sessions + history.Sessions,
            TotalParticipantMinutes = totals.ParticipantMinutes + history.ParticipantMinutes,
            TotalParticipantSeconds = totals.ParticipantSeconds + history.ParticipantSeconds,
            TotalUniqueParticipants = people,
            PeakParticipants = Math.Max(totals.PeakParticipants, history.PeakParticipants),
            TotalRecorderMinutes = totals.RecorderMinutes + history.RecorderMinutes,
            TotalStreamerMinutes = totals.StreamerMinutes + history.StreamerMinutes,
            // Summed, not distinct: archived sessions keep only their counts (RoomSummary says so).
            TotalUniqueRecorders = totals.UniqueRecorders + history.UniqueRecorders,
            TotalUniqueStreamers = totals.UniqueStreamers + history.UniqueStreamers,
        };
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && (b is not { } y || x <= y) ? x : b;

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && (b is not { } y || x >= y) ? x : b;
}

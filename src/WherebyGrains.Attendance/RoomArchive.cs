namespace WherebyGrains.Attendance;

/// <summary>
/// A stretch of a room's history that can leave the room's hot record: one or more closed
/// sessions (those that share a connection go together: a clinician who stayed between
/// patients), and every event of the room after <see cref="After"/> up to <see cref="Until"/>,
/// in a session or not (solo visits, knocks, stray session events).
/// </summary>
/// <param name="RoomSessionIds">Its sessions, oldest first.</param>
/// <param name="After">Where the stretch starts (exclusive): the previous stretch's end.</param>
/// <param name="Until">Where it ends (inclusive): nothing open reaches past it.</param>
/// <param name="EventIds">The events it takes.</param>
public sealed record ArchiveStretch(IReadOnlyList<string> RoomSessionIds, long After, long Until, IReadOnlyList<string> EventIds)
{
    /// <summary>Whether an event of the room belongs here: it names one of the sessions, or falls within the stretch.</summary>
    public bool Takes(long at, string? roomSessionId) =>
        roomSessionId is not null ? RoomSessionIds.Contains(roomSessionId) : at > After && at <= Until;
}

/// <summary>
/// What of a room's history can be archived, and where a late event belongs: one plan in the
/// rules, so that the room and its archived records agree on the same bounds.
/// </summary>
public static class RoomArchive
{
    /// <summary>
    /// The stretches that can be archived now, oldest first: the room's history is cut where
    /// nothing (no connection, session or standing knock) is open, and a stretch ends at a cut
    /// after a closed session that ended before <paramref name="archiveBefore"/>. Events before the
    /// first session of a stretch (a solo visit) go with it; events after the last stretch stay.
    /// </summary>
    /// <param name="events">The room's events (those the room holds).</param>
    /// <param name="attendance">What the rules computed from them.</param>
    /// <param name="archiveBefore">Sessions must have ended before this instant.</param>
    /// <param name="after">The end of what was archived before (exclusive), or <see cref="long.MinValue"/>.</param>
    public static List<ArchiveStretch> Plan(IReadOnlyCollection<RoomEvent> events, RoomAttendance attendance, long archiveBefore, long after)
    {
        var plan = new List<ArchiveStretch>();
        var cut = after;
        foreach (var (end, sessions) in Stretches(attendance))
        {
            if (end > archiveBefore || end >= RoomTimeline.Forever)
            {
                break;
            }
            if (end <= cut)
            {
                // Already archived (an event the room kept from before its last cut).
                continue;
            }
            if (sessions.Count == 0)
            {
                // Nothing but solo visits or knocks: they go with the next stretch that has a session.
                continue;
            }
            var stretch = new ArchiveStretch(sessions, cut, end, []);
            plan.Add(stretch with { EventIds = [.. events.Where(e => stretch.Takes(e.At, e.RoomSessionId)).Select(e => e.Id)] });
            cut = end;
        }
        return plan;
    }

    /// <summary>
    /// Where the next stretch after <paramref name="after"/> will end, so that the room knows when to
    /// look again: null when none can yet (no closed session, or one held by what is still open: a
    /// clinician who stays between patients holds the day's sessions until she leaves, and it is
    /// her <c>left</c>, or the rules abandoning her connection, that brings the end).
    /// </summary>
    public static long? NextStretchEnd(RoomAttendance attendance, long after)
    {
        foreach (var (end, sessions) in Stretches(attendance))
        {
            if (end >= RoomTimeline.Forever)
            {
                return null;
            }
            if (end > after && sessions.Count > 0)
            {
                return end;
            }
        }
        return null;
    }

    /// <summary>
    /// The room's history cut where nothing is open (no connection, session or standing knock),
    /// oldest first: each piece's end (<see cref="RoomTimeline.Forever"/> while open) and its sessions.
    /// </summary>
    private static IEnumerable<(long End, List<string> Sessions)> Stretches(RoomAttendance attendance)
    {
        // What is open, as closed intervals (touching ones merge).
        var busy = new List<(long Start, long End, Session? Session)>();
        foreach (var c in attendance.Connections)
        {
            busy.Add((c.JoinedAt, c.LeftAt ?? RoomTimeline.Forever, null));
        }
        foreach (var s in attendance.Sessions)
        {
            busy.Add((s.StartedAt, s.EndedAt ?? RoomTimeline.Forever, s));
        }
        foreach (var k in attendance.Presence.Waiting)
        {
            busy.Add((k.KnockedAt, RoomTimeline.Forever, null));
        }
        busy.Sort(static (a, b) => a.Start.CompareTo(b.Start));

        for (var i = 0; i < busy.Count;)
        {
            var end = busy[i].End;
            var sessions = new List<string>();
            for (; i < busy.Count && busy[i].Start <= end; i++)
            {
                end = Math.Max(end, busy[i].End);
                if (busy[i].Session is { } s)
                {
                    sessions.Add(s.RoomSessionId);
                }
            }
            yield return (end, sessions);
        }
    }
}

namespace WherebyGrains.Simulator;

/// <summary>What the oracle expects of one session.</summary>
public sealed record ExpectedSession(
    string Id,
    long StartedAt,
    long EndedAt,
    bool EndInferred,
    long TotalParticipantMs,
    long TotalParticipantMinutes,
    int TotalUniqueParticipants,
    int PeakParticipants,
    IReadOnlyList<ExpectedPerson> People);

/// <summary>What the oracle expects of one person in one session.</summary>
public sealed record ExpectedPerson(string PersonId, long AttendedMs, long FirstJoinedAt, long LastLeftAt, int Connections);

/// <summary>What the oracle expects of one connection.</summary>
public sealed record ExpectedConnection(string ParticipantId, string SessionId, string PersonId, bool IsPerson, long JoinedAt, long LeftAt, bool LeftInferred);

/// <summary>What the oracle expects of one row of a person's attendance report: one session they attended.</summary>
public sealed record ExpectedAttendance(string RoomName, string RoomSessionId, long SessionStartedAt, long SessionEndedAt, long FirstJoinedAt, long LastLeftAt, long AttendedMs, int Connections);

/// <summary>
/// An independent oracle: it works from the generated ground truth (who was really there, and
/// which events were lost), one second at a time, instead of from the events and intervals the
/// rules use. Each second of each session is looked at on its own: who is present, how many.
/// </summary>
public static class MeetingOracle
{
    private const long Second = 1000;

    public static (List<ExpectedSession> Sessions, List<ExpectedConnection> Connections) Expect(GeneratedMeeting meeting)
    {
        var observedEnd = meeting.Sessions.ToDictionary(s => s.Index, s => s.EndedAt ?? InferredEnd(meeting, s));

        string SessionId(GenSession s) => meeting.Legacy ? $"inferred-{s.Start}" : GeneratedMeeting.SessionId(meeting.Seed, s.Index);
        long ObservedLeave(GenConnection c) => c.LeftDelivered ? c.LeftAt : observedEnd[c.Session];
        string PersonOf(GenConnection c)
        {
            if (meeting.Legacy)
            {
                return "anon-" + c.JoinEventId;
            }
            return GeneratedMeeting.PersonKey(meeting.Seed, c.Person, c.Person < 0 ? Identity.Anonymous : meeting.People[c.Person]) ?? c.ParticipantId;
        }
        string ParticipantOf(GenConnection c) => meeting.Legacy ? "anon-" + c.JoinEventId : c.ParticipantId;

        var connections = meeting.Connections
            .Select(c => new ExpectedConnection(ParticipantOf(c), SessionId(meeting.Sessions[c.Session]), PersonOf(c), c.IsPerson, c.JoinedAt, ObservedLeave(c), !c.LeftDelivered))
            .ToList();

        var sessions = new List<ExpectedSession>();
        foreach (var s in meeting.Sessions)
        {
            var end = observedEnd[s.Index];
            var own = meeting.Connections.Where(c => c.Session == s.Index && c.IsPerson).ToList();
            var roomPeople = meeting.Connections.Where(c => c.IsPerson).ToList();

            bool Covers(GenConnection c, long second) => c.JoinedAt <= second && second < ObservedLeave(c);

            var attended = new Dictionary<string, long>();
            var peak = 0;
            for (var second = s.Start; second < end; second += Second)
            {
                var present = roomPeople.Where(c => Covers(c, second)).Select(PersonOf).ToHashSet();
                peak = Math.Max(peak, present.Count);
                foreach (var person in present)
                {
                    attended[person] = attended.GetValueOrDefault(person) + Second;
                }
            }

            var people = own.GroupBy(PersonOf)
                .Select(g => new ExpectedPerson(g.Key, attended.GetValueOrDefault(g.Key), g.Min(c => c.JoinedAt), g.Max(ObservedLeave), g.Count()))
                .OrderBy(p => p.PersonId, StringComparer.Ordinal)
                .ToList();

            sessions.Add(new ExpectedSession(
                SessionId(s),
                s.Start,
                end,
                s.EndedAt is null,
                own.Sum(c => ObservedLeave(c) - c.JoinedAt),
                own.Sum(c => (long)Math.Ceiling((ObservedLeave(c) - c.JoinedAt) / 60_000.0)),
                people.Count,
                peak,
                people));
        }
        return (sessions, connections);
    }

    /// <summary>
    /// Each person's attendance over the given meetings, held in the given rooms: one row a session
    /// they had a connection in, across every room they met in (the rows of <c>/v1/attendance</c>).
    /// </summary>
    public static Dictionary<string, List<ExpectedAttendance>> ExpectAttendance(IEnumerable<(GeneratedMeeting Meeting, string RoomName)> meetings)
    {
        var byPerson = new Dictionary<string, List<ExpectedAttendance>>(StringComparer.Ordinal);
        foreach (var (meeting, roomName) in meetings)
        {
            foreach (var session in Expect(meeting).Sessions)
            {
                foreach (var person in session.People)
                {
                    if (!byPerson.TryGetValue(person.PersonId, out var rows))
                    {
                        byPerson[person.PersonId] = rows = [];
                    }
                    rows.Add(new ExpectedAttendance(roomName, session.Id, session.StartedAt, session.EndedAt,
                        person.FirstJoinedAt, person.LastLeftAt, person.AttendedMs, person.Connections));
                }
            }
        }
        return byPerson;
    }

    /// <summary>
    /// Without Whereby's 'ended': the first second from the start at which fewer than 2 people
    /// connections are present and stay so for the grace period. A connection whose 'left' was
    /// lost is present as far as anyone can tell.
    /// </summary>
    private static long InferredEnd(GeneratedMeeting meeting, GenSession s)
    {
        var own = meeting.Connections.Where(c => c.Session == s.Index && c.IsPerson).ToList();
        int Count(long second) => own.Count(c => c.JoinedAt <= second && (!c.LeftDelivered || second < c.LeftAt));
        for (var second = s.Start; ; second += Second)
        {
            if (Count(second) >= 2)
            {
                continue;
            }
            var staysBelow = true;
            for (var later = second; later < second + GeneratedMeeting.Grace; later += Second)
            {
                staysBelow &= Count(later) < 2;
            }
            if (staysBelow)
            {
                return second;
            }
        }
    }
}

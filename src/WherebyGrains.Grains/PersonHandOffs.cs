using WherebyGrains.Contracts;
using WherebyGrains.Attendance;

namespace WherebyGrains.Grains;

/// <summary>
/// Decides which person rows to hand off: a person's row once when they first appear in a live
/// session (so the report knows where to look), then again when the session ends, and again
/// whenever a late event changes an ended session's row; and its withdrawal when a late event
/// takes the person out of the session (their connection belongs to another one) or undoes the
/// session (an inferred end undone, an inferred start moved). Never once per event.
/// </summary>
public static class PersonHandOffs
{
    /// <summary>The hand-offs that <paramref name="attendance"/> calls for, updating <paramref name="handedOff"/>.</summary>
    public static List<PersonHandOff> Diff(
        string tenantId,
        string roomName,
        RoomAttendance attendance,
        IEnumerable<Session> sessions,
        long now,
        long revision,
        Dictionary<string, ulong> handedOff,
        PersonKeys keys)
    {
        var handOffs = new List<PersonHandOff>();
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var session in sessions)
        {
            foreach (var person in session.People)
            {
                var row = AttendanceViews.Row(roomName, session, person, now);
                // A live row changes every second: only its existence is handed off, the numbers come when it ends.
                var fingerprint = session.EndedAt is null
                    ? StoredHash.Of($"live\n{session.RoomSessionId}\n{session.StartedAt}")
                    : StoredHash.Of($"{row.SessionStartedAt:O}\n{row.SessionEndedAt:O}\n{row.FirstJoinedAt:O}\n{row.LastLeftAt:O}\n{row.AttendedSeconds}\n{row.Connections}");
                var key = session.RoomSessionId + "\n" + person.PersonId;
                current.Add(key);
                if (handedOff.TryGetValue(key, out var last) && last == fingerprint)
                {
                    continue;
                }
                handedOff[key] = fingerprint;
                handOffs.Add(new PersonHandOff(keys.For(tenantId, person.PersonId), row, revision));
            }
        }
        if (handedOff.Count > current.Count)
        {
            foreach (var key in handedOff.Keys.Where(k => !current.Contains(k)).ToList())
            {
                // Keys are "{roomSessionId}\n{personId}"; Whereby's session ids hold no line break.
                var split = key.IndexOf('\n', StringComparison.Ordinal);
                handedOff.Remove(key);
                handOffs.Add(PersonHandOff.Withdrawal(keys.For(tenantId, key[(split + 1)..]), roomName, key[..split], revision));
            }
        }
        return handOffs;
    }
}

using System.Globalization;
using System.Text.Json;

namespace WherebyGrains.Simulator;

/// <summary>Compares what the query API serves for a generated meeting with its oracle.</summary>
public static class OracleOverHttp
{
    /// <summary>Every difference between the API's sessions and connections and the oracle's (none when equal).</summary>
    public static async Task<List<string>> DifferencesAsync(HttpClient reader, GeneratedMeeting meeting, string roomName)
    {
        var (sessions, connections) = MeetingOracle.Expect(meeting);
        var differences = new List<string>();

        var actualSessions = (await ReadAllAsync(reader, $"/v1/insights/room-sessions?roomName={Uri.EscapeDataString(roomName)}"))
            .OrderBy(s => s.GetProperty("startedAt").GetDateTimeOffset())
            .Select(s => string.Join('|',
                s.GetProperty("roomSessionId").GetString(), Ms(s.GetProperty("startedAt")), Ms(s.GetProperty("endedAt")), s.GetProperty("endInferred").GetBoolean(),
                s.GetProperty("totalParticipantSeconds").GetDouble().ToString(CultureInfo.InvariantCulture), s.GetProperty("totalParticipantMinutes").GetInt64(),
                s.GetProperty("totalUniqueParticipants").GetInt32(), s.GetProperty("peakParticipants").GetInt32()))
            .ToList();
        var expectedSessions = sessions.Select(s => string.Join('|',
            s.Id, s.StartedAt, s.EndedAt, s.EndInferred, (s.TotalParticipantMs / 1000.0).ToString(CultureInfo.InvariantCulture), s.TotalParticipantMinutes,
            s.TotalUniqueParticipants, s.PeakParticipants)).ToList();
        Compare("session", expectedSessions, actualSessions, differences);

        var actualConnections = new List<string>();
        foreach (var session in sessions)
        {
            var rows = await ReadAllAsync(reader, $"/v1/insights/participants?roomSessionId={Uri.EscapeDataString(session.Id)}");
            actualConnections.AddRange(rows.Where(r => r.GetProperty("roomName").GetString() == roomName).Select(r => string.Join('|',
                r.GetProperty("participantId").GetString(), r.GetProperty("roomSessionId").GetString(), r.GetProperty("personId").GetString(),
                r.GetProperty("isPerson").GetBoolean(), Ms(r.GetProperty("joinedAt")), Ms(r.GetProperty("leftAt")), r.GetProperty("leftInferred").GetBoolean())));
        }
        var expectedConnections = connections.Select(c => string.Join('|', c.ParticipantId, c.SessionId, c.PersonId, c.IsPerson, c.JoinedAt, c.LeftAt, c.LeftInferred));
        Compare("connection", [.. expectedConnections.Order(StringComparer.Ordinal)], [.. actualConnections.Order(StringComparer.Ordinal)], differences);

        // Every generated meeting is over by the time it is read (its connections end with its
        // sessions, lost 'left' events included, and its knocks were answered or cancelled): an
        // empty room, nobody knocking, no session.
        using var presence = JsonDocument.Parse(await reader.GetStringAsync($"/v1/rooms/presence?roomName={Uri.EscapeDataString(roomName)}"));
        var now = presence.RootElement;
        var actualPresence = string.Join('|', now.GetProperty("numClients").GetInt32(), now.GetProperty("participants").GetArrayLength(),
            now.GetProperty("waiting").GetArrayLength(), now.GetProperty("currentSession").ValueKind == JsonValueKind.Null ? "no session" : "a session");
        Compare("presence", ["0|0|0|no session"], [actualPresence], differences);
        return differences;
    }

    /// <summary>
    /// Every difference between a person's attendance report, in the rooms <paramref name="inRun"/>
    /// accepts, and the oracle's rows for them across those rooms (none when equal).
    /// </summary>
    public static async Task<List<string>> AttendanceDifferencesAsync(HttpClient reader, string personKey, IReadOnlyList<ExpectedAttendance> expected, Func<string, bool> inRun)
    {
        using var report = JsonDocument.Parse(await reader.GetStringAsync($"/v1/attendance?externalId={Uri.EscapeDataString(personKey)}"));
        var actual = report.RootElement.GetProperty("sessions").EnumerateArray()
            .Where(r => inRun(r.GetProperty("roomName").GetString()!))
            .Select(r => string.Join('|', personKey,
                r.GetProperty("roomName").GetString(), r.GetProperty("roomSessionId").GetString(),
                Ms(r.GetProperty("sessionStartedAt")), Ms(r.GetProperty("sessionEndedAt")), Ms(r.GetProperty("firstJoinedAt")), Ms(r.GetProperty("lastLeftAt")),
                Seconds(r.GetProperty("attendedSeconds").GetDouble()), r.GetProperty("connections").GetInt32(),
                Ratio(r.GetProperty("attendanceRatio").GetDouble())))
            .Order(StringComparer.Ordinal)
            .ToList();
        var wanted = expected
            .Select(e => string.Join('|', personKey, e.RoomName, e.RoomSessionId,
                e.SessionStartedAt, e.SessionEndedAt, e.FirstJoinedAt, e.LastLeftAt,
                Seconds(e.AttendedMs / 1000.0), e.Connections,
                Ratio(e.AttendedMs / (double)(e.SessionEndedAt - e.SessionStartedAt))))
            .Order(StringComparer.Ordinal)
            .ToList();
        var differences = new List<string>();
        Compare("attendance row", wanted, actual, differences);
        return differences;
    }

    /// <summary>
    /// Every difference between the rooms listing's rows for the given meetings' rooms and their
    /// oracle: first and last session start, sessions, participant minutes and seconds, unique
    /// people, peak (none when equal). The listing is read in name order up to the last of them.
    /// </summary>
    public static async Task<List<string>> RoomDifferencesAsync(HttpClient reader, IReadOnlyList<(GeneratedMeeting Meeting, string RoomName)> meetings)
    {
        var wanted = meetings.Select(m =>
        {
            var sessions = MeetingOracle.Expect(m.Meeting).Sessions;
            return string.Join('|', m.RoomName, sessions.Min(s => s.StartedAt), sessions.Max(s => s.StartedAt), sessions.Count,
                sessions.Sum(s => s.TotalParticipantMinutes), (sessions.Sum(s => s.TotalParticipantMs) / 1000.0).ToString(CultureInfo.InvariantCulture),
                sessions.SelectMany(s => s.People).Select(p => p.PersonId).Distinct(StringComparer.Ordinal).Count(), sessions.Max(s => s.PeakParticipants));
        }).Order(StringComparer.Ordinal).ToList();
        var names = meetings.Select(m => m.RoomName).ToHashSet(StringComparer.Ordinal);
        var last = names.Max(StringComparer.Ordinal)!;
        var actual = (await ReadAllAsync(reader, "/v1/insights/rooms", r => string.CompareOrdinal(r.GetProperty("roomName").GetString(), last) >= 0))
            .Where(r => names.Contains(r.GetProperty("roomName").GetString()!))
            .Select(r => string.Join('|', r.GetProperty("roomName").GetString(), Ms(r.GetProperty("firstSessionStartedAt")), Ms(r.GetProperty("lastSessionStartedAt")),
                r.GetProperty("totalSessions").GetInt32(), r.GetProperty("totalParticipantMinutes").GetInt64(),
                r.GetProperty("totalParticipantSeconds").GetDouble().ToString(CultureInfo.InvariantCulture),
                r.GetProperty("totalUniqueParticipants").GetInt32(), r.GetProperty("peakParticipants").GetInt32()))
            .Order(StringComparer.Ordinal)
            .ToList();
        var differences = new List<string>();
        Compare("room", wanted, actual, differences);
        return differences;
    }

    private static string Seconds(double seconds) => seconds.ToString("F3", CultureInfo.InvariantCulture);

    // Ratios are compared to 6 places: the service may divide seconds where the oracle divides milliseconds.
    private static string Ratio(double ratio) => ratio.ToString("F6", CultureInfo.InvariantCulture);

    private static void Compare(string what, List<string> expected, List<string> actual, List<string> differences)
    {
        differences.AddRange(expected.Except(actual).Select(e => $"missing {what}: {e}"));
        differences.AddRange(actual.Except(expected).Select(a => $"unexpected {what}: {a}"));
        if (expected.Count != actual.Count)
        {
            differences.Add($"{expected.Count} {what}s expected, {actual.Count} served");
        }
    }

    private static string Ms(JsonElement time) =>
        time.ValueKind == JsonValueKind.Null ? "" : time.GetDateTimeOffset().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Every row of a list, page by page; with <paramref name="past"/>, no page after the one holding a row it accepts.</summary>
    private static async Task<List<JsonElement>> ReadAllAsync(HttpClient reader, string path, Func<JsonElement, bool>? past = null)
    {
        var rows = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = JsonDocument.Parse(await reader.GetStringAsync($"{path}{(path.Contains('?') ? '&' : '?')}limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)))).RootElement;
            var results = page.GetProperty("results").EnumerateArray().Select(r => r.Clone()).ToList();
            rows.AddRange(results);
            cursor = past is not null && results.Any(past) ? null : page.GetProperty("cursor").GetString();
        }
        while (cursor is not null);
        return rows;
    }
}

using System.Globalization;
using System.Text.Json;
using WherebyGrains.Attendance;

namespace WherebyGrains.Simulator;

/// <summary>Compares what the query API serves for a generated meeting with its oracle.</summary>
public static class OracleOverHttp
{
    /// <summary>
    /// Every difference between the API's sessions, participants rows and presence for a generated
    /// meeting and its oracle as of <paramref name="now"/> (default: the clock), read with the
    /// service's <paramref name="settings"/> (default: <see cref="GeneratedMeeting.ServiceSettings"/>); none when equal.
    /// </summary>
    public static async Task<List<string>> DifferencesAsync(HttpClient reader, GeneratedMeeting meeting, string roomName, AttendanceSettings? settings = null, long? now = null)
    {
        var at = now ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var expected = MeetingOracle.Expect(meeting, at, settings ?? GeneratedMeeting.ServiceSettings);
        var differences = new List<string>();

        var actualSessions = (await ReadAllAsync(reader, $"/v1/insights/room-sessions?roomName={Uri.EscapeDataString(roomName)}"))
            .Select(s => string.Join('|',
                s.GetProperty("roomSessionId").GetString(), Ms(s.GetProperty("startedAt")), Ms(s.GetProperty("endedAt")), s.GetProperty("endInferred").GetBoolean(),
                Seconds(s.GetProperty("totalParticipantSeconds").GetDouble()), s.GetProperty("totalParticipantMinutes").GetInt64(),
                s.GetProperty("totalUniqueParticipants").GetInt32(), s.GetProperty("peakParticipants").GetInt32(),
                s.GetProperty("totalRecorderMinutes").GetInt64(), s.GetProperty("totalStreamerMinutes").GetInt64(),
                s.GetProperty("totalUniqueRecorders").GetInt32(), s.GetProperty("totalUniqueStreamers").GetInt32()))
            .Order(StringComparer.Ordinal)
            .ToList();
        var expectedSessions = expected.Sessions.Select(s => string.Join('|',
            s.Id, s.StartedAt, s.EndedAt?.ToString(CultureInfo.InvariantCulture) ?? "", s.EndInferred, Seconds(s.TotalParticipantMs / 1000.0), s.TotalParticipantMinutes,
            s.TotalUniqueParticipants, s.PeakParticipants, s.TotalRecorderMinutes, s.TotalStreamerMinutes, s.TotalUniqueRecorders, s.TotalUniqueStreamers))
            .Order(StringComparer.Ordinal).ToList();
        Compare("session", expectedSessions, actualSessions, differences);

        // A row a connection and session it is in: a stayer shows in each, its part as the duration.
        var actualRows = new List<string>();
        foreach (var session in expected.Sessions)
        {
            var rows = await ReadAllAsync(reader, $"/v1/insights/participants?roomSessionId={Uri.EscapeDataString(session.Id)}");
            actualRows.AddRange(rows.Where(r => r.GetProperty("roomName").GetString() == roomName).Select(r => string.Join('|',
                r.GetProperty("roomSessionId").GetString(), r.GetProperty("participantId").GetString(), r.GetProperty("personId").GetString(),
                r.GetProperty("isPerson").GetBoolean(), Ms(r.GetProperty("joinedAt")), Ms(r.GetProperty("leftAt")), r.GetProperty("leftInferred").GetBoolean(),
                Seconds(r.GetProperty("durationSeconds").GetDouble()))));
        }
        var expectedRows = expected.Rows(at).Select(r => string.Join('|', r.RoomSessionId, r.ParticipantId, r.PersonId, r.IsPerson, r.JoinedAt,
            r.LeftAt?.ToString(CultureInfo.InvariantCulture) ?? "", r.LeftInferred, Seconds(r.PartMs / 1000.0)));
        Compare("participants row", [.. expectedRows.Order(StringComparer.Ordinal)], [.. actualRows.Order(StringComparer.Ordinal)], differences);

        using var presence = JsonDocument.Parse(await reader.GetStringAsync($"/v1/rooms/presence?roomName={Uri.EscapeDataString(roomName)}"));
        var live = presence.RootElement;
        var actualPresence = string.Join('|', live.GetProperty("numClients").GetInt32(),
            string.Join(',', live.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("participantId").GetString()).Order(StringComparer.Ordinal)),
            live.GetProperty("waiting").GetArrayLength(),
            live.GetProperty("currentSession").ValueKind == JsonValueKind.Null ? "" : live.GetProperty("currentSession").GetProperty("roomSessionId").GetString());
        var wanted = expected.Presence;
        Compare("presence", [string.Join('|', wanted.NumClients, string.Join(',', wanted.ParticipantIds), wanted.Waiting.Count, wanted.CurrentSessionId ?? "")], [actualPresence], differences);
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
                e.SessionStartedAt, e.SessionEndedAt?.ToString(CultureInfo.InvariantCulture) ?? "", e.FirstJoinedAt, e.LastLeftAt?.ToString(CultureInfo.InvariantCulture) ?? "",
                Seconds(e.AttendedMs / 1000.0), e.Connections,
                Ratio(e.SessionEndedAt is { } end && end > e.SessionStartedAt ? Math.Min(1, e.AttendedMs / (double)(end - e.SessionStartedAt)) : 0)))
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
    public static async Task<List<string>> RoomDifferencesAsync(HttpClient reader, IReadOnlyList<(GeneratedMeeting Meeting, string RoomName)> meetings, AttendanceSettings? settings = null, long? now = null)
    {
        var at = now ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var wanted = meetings.Select(m =>
        {
            var sessions = MeetingOracle.Expect(m.Meeting, at, settings ?? GeneratedMeeting.ServiceSettings).Sessions;
            return string.Join('|', m.RoomName, sessions.Min(s => s.StartedAt), sessions.Max(s => s.StartedAt), sessions.Count,
                sessions.Sum(s => s.TotalParticipantMinutes), Seconds(sessions.Sum(s => s.TotalParticipantMs) / 1000.0),
                sessions.SelectMany(s => s.People).Select(p => p.PersonId).Distinct(StringComparer.Ordinal).Count(), sessions.Max(s => s.PeakParticipants),
                sessions.Sum(s => s.TotalRecorderMinutes), sessions.Sum(s => s.TotalStreamerMinutes), sessions.Sum(s => s.TotalUniqueRecorders), sessions.Sum(s => s.TotalUniqueStreamers));
        }).Order(StringComparer.Ordinal).ToList();
        var names = meetings.Select(m => m.RoomName).ToHashSet(StringComparer.Ordinal);
        var last = names.Max(StringComparer.Ordinal)!;
        var actual = (await ReadAllAsync(reader, "/v1/insights/rooms", r => string.CompareOrdinal(r.GetProperty("roomName").GetString(), last) >= 0))
            .Where(r => names.Contains(r.GetProperty("roomName").GetString()!))
            .Select(r => string.Join('|', r.GetProperty("roomName").GetString(), Ms(r.GetProperty("firstSessionStartedAt")), Ms(r.GetProperty("lastSessionStartedAt")),
                r.GetProperty("totalSessions").GetInt32(), r.GetProperty("totalParticipantMinutes").GetInt64(),
                Seconds(r.GetProperty("totalParticipantSeconds").GetDouble()),
                r.GetProperty("totalUniqueParticipants").GetInt32(), r.GetProperty("peakParticipants").GetInt32(),
                r.GetProperty("totalRecorderMinutes").GetInt64(), r.GetProperty("totalStreamerMinutes").GetInt64(),
                r.GetProperty("totalUniqueRecorders").GetInt32(), r.GetProperty("totalUniqueStreamers").GetInt32()))
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

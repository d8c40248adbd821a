using Microsoft.Extensions.DependencyInjection;
using WherebyGrains.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using static WherebyGrains.Silo.Tests.KnownMeetingFixture;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// Every endpoint of api.md over HTTP against a real silo on Azurite, every field compared with
/// values worked out by hand from <see cref="KnownMeetingFixture"/>'s meeting:
/// /class-a, session s1 from 10:05 (started) to 10:56 (ended): alice (stu-1) waits from 10:00 and
/// leaves 10:50, with a second tab 10:10–10:20; bob (tch-1) 10:05–10:55; a recorder 10:06–10:40.
/// </summary>
[Trait("Category", "Integration")]
public sealed class QueryApiTests(KnownMeetingFixture fixture) : IClassFixture<KnownMeetingFixture>
{
    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<JsonElement> GetJsonAsync(string path, string apiKey = SiloFactory.ApiKey)
    {
        using var response = await fixture.Silo.Reader(apiKey).GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<(int Status, string Body, HttpResponseHeaders Headers, string? ContentType)> GetAsync(string path, string? apiKey = SiloFactory.ApiKey, string? accept = null)
    {
        var client = apiKey is null ? fixture.Silo.CreateClient() : fixture.Silo.Reader(apiKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    private static void AssertFields(JsonElement row, params (string Name, object? Value)[] expected)
    {
        foreach (var (name, value) in expected)
        {
            Assert.True(row.TryGetProperty(name, out var actual), $"missing field {name} in {row}");
            var text = Read(actual);
            Assert.True(Equals(Normalize(value), text), $"{name}: expected {value ?? "null"}, got {text ?? "null"}");
        }
    }

    /// <summary>True when <paramref name="row"/> has every expected field: what <see cref="AssertFields"/> asserts, for a wait.</summary>
    private static bool HasFields(JsonElement row, params (string Name, object? Value)[] expected) =>
        expected.All(e => row.TryGetProperty(e.Name, out var actual) && Equals(Normalize(e.Value), Read(actual)));

    private static object? Read(JsonElement actual) => actual.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => actual.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => actual.GetDouble(),
        _ => actual.GetRawText(),
    };

    private static object? Normalize(object? value) => value switch
    {
        int i => (double)i,
        long l => (double)l,
        DateTimeOffset d => Iso(d),
        _ => value,
    };

    [Fact]
    public async Task Room_sessions_has_every_field_of_the_contract()
    {
        var page = await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fclass-a");

        var row = Assert.Single(page.GetProperty("results").EnumerateArray());
        AssertFields(row,
            ("roomSessionId", "s1"), ("roomName", "/class-a"), ("startedAt", At(5)), ("endedAt", At(56)),
            ("durationSeconds", 51 * 60), ("totalParticipantMinutes", 110), ("totalParticipantSeconds", 110 * 60),
            ("totalUniqueParticipants", 2), ("peakParticipants", 2), ("endInferred", false),
            // The recorder, 10:06-10:40 (expected to be 0 until the rules compute machine totals).
            ("totalRecorderMinutes", 34), ("totalStreamerMinutes", 0), ("totalUniqueRecorders", 1), ("totalUniqueStreamers", 0));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("cursor").ValueKind);
    }

    [Fact]
    public async Task Participants_of_a_session_are_one_row_per_connection()
    {
        var page = await GetJsonAsync("/v1/insights/participants?roomSessionId=s1&limit=100");

        var rows = page.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["alice-1", "bob-1", "rec-1", "alice-2"], rows.Select(r => r.GetProperty("participantId").GetString()));
        AssertFields(rows[0],
            ("roomSessionId", "s1"), ("roomName", "/class-a"), ("participantId", "alice-1"), ("externalId", "stu-1"),
            ("displayName", FormulaName), ("roleName", "visitor"), ("joinedAt", At(0)), ("leftAt", At(50)),
            ("durationSeconds", 50 * 60), ("leftInferred", false), ("metadata", null), ("metadataVerified", null), ("personId", "stu-1"));
        AssertFields(rows[2], ("roleName", "recorder"), ("durationSeconds", 34 * 60), ("personId", "rec-1"));
    }

    [Fact]
    public async Task Participants_of_a_person_span_rooms_and_reconnects()
    {
        var rows = await Eventually.Async(
            async () => (await GetJsonAsync("/v1/insights/participants?externalId=stu-1&limit=100")).GetProperty("results").EnumerateArray().ToList(),
            r => r.Count == 3);

        Assert.Equal(["alice-1", "alice-2", "alice-3"], rows.Select(r => r.GetProperty("participantId").GetString()));
        AssertFields(rows[2], ("roomName", "/class-b"), ("roomSessionId", "s9"), ("leftAt", null));
    }

    [Fact]
    public async Task Attendance_answers_how_long_a_student_attended_across_rooms()
    {
        // Rows are handed off as the out-of-order delivery goes on: wait for the final one.
        var report = await Eventually.Async(
            () => GetJsonAsync("/v1/attendance?externalId=stu-1"),
            r => r.GetProperty("sessions").GetArrayLength() == 2 && r.GetProperty("sessions")[1].GetProperty("attendedSeconds").GetDouble() == 45 * 60);

        Assert.Equal("stu-1", report.GetProperty("externalId").GetString());
        var sessions = report.GetProperty("sessions").EnumerateArray().ToList();
        // Newest first: the live session in /class-b, then yesterday's.
        AssertFields(sessions[0], ("roomName", "/class-b"), ("roomSessionId", "s9"), ("sessionEndedAt", null), ("lastLeftAt", null), ("connections", 1));
        Assert.InRange(sessions[0].GetProperty("attendedSeconds").GetDouble(), 3 * 60, 6 * 60);
        AssertFields(sessions[1],
            ("roomName", "/class-a"), ("roomSessionId", "s1"), ("sessionStartedAt", At(5)), ("sessionEndedAt", At(56)),
            ("firstJoinedAt", At(0)), ("lastLeftAt", At(50)), ("attendedSeconds", 45 * 60), ("connections", 2),
            ("attendanceRatio", 45.0 / 51.0));
        Assert.Equal(45 * 60 + sessions[0].GetProperty("attendedSeconds").GetDouble(), report.GetProperty("attendedSeconds").GetDouble(), 3);

        var yesterday = await GetJsonAsync($"/v1/attendance?externalId=stu-1&from={Uri.EscapeDataString(Iso(Ten.AddHours(-1)))}&to={Uri.EscapeDataString(Iso(Ten.AddHours(1)))}");
        Assert.Equal(45 * 60, yesterday.GetProperty("attendedSeconds").GetDouble());
        var inRoomB = await GetJsonAsync("/v1/attendance?externalId=stu-1&roomName=%2Fclass-b");
        Assert.Equal("s9", Assert.Single(inRoomB.GetProperty("sessions").EnumerateArray()).GetProperty("roomSessionId").GetString());
        var nobody = await GetJsonAsync("/v1/attendance?externalId=nobody");
        Assert.Equal((0.0, 0), (nobody.GetProperty("attendedSeconds").GetDouble(), nobody.GetProperty("sessions").GetArrayLength()));
    }

    [Fact]
    public async Task A_live_row_its_room_no_longer_has_is_not_reported()
    {
        // What a person's rows hold between a late event that moved them out of a live session and
        // the withdrawal that follows: the room is asked for live rows, and has none for them.
        var services = fixture.Silo.Services;
        var person = services.GetRequiredService<WherebyGrains.Contracts.PersonKeys>().For(SiloFactory.Tenant, "stu-ghost");
        var live = new WherebyGrains.Contracts.AttendanceRow
        {
            RoomName = "/class-b", RoomSessionId = "s9", SessionStartedAt = At(0), FirstJoinedAt = At(0), AttendedSeconds = 60, Connections = 1, AttendanceRatio = 1,
        };
        await services.GetRequiredService<WherebyGrains.Grains.IPersonRecords>().WriteAsync(SiloFactory.Tenant, "/class-b", [new(person, live, 1)]);

        var report = await GetJsonAsync("/v1/attendance?externalId=stu-ghost");
        Assert.Equal((0.0, 0), (report.GetProperty("attendedSeconds").GetDouble(), report.GetProperty("sessions").GetArrayLength()));
    }

    [Fact]
    public async Task Rooms_lists_every_room_with_its_totals()
    {
        (string, object?)[] classA =
        [
            ("roomName", "/class-a"), ("firstSessionStartedAt", At(5)), ("lastSessionStartedAt", At(5)), ("totalSessions", 1),
            ("totalParticipantMinutes", 110), ("totalParticipantSeconds", 110 * 60), ("totalUniqueParticipants", 2), ("peakParticipants", 2),
            ("totalRecorderMinutes", 34), ("totalStreamerMinutes", 0), ("totalUniqueRecorders", 1), ("totalUniqueStreamers", 0),
        ];
        (string, object?)[] classB =
        [
            ("totalSessions", 1), ("totalUniqueParticipants", 2), ("peakParticipants", 2),
            ("totalRecorderMinutes", 0), ("totalStreamerMinutes", 0), ("totalUniqueRecorders", 0), ("totalUniqueStreamers", 0),
        ];
        // A cross-room view: rooms push their listings, and the list reflects their last events within
        // the contract's bound (2 s p99): the wait is for the final numbers, bounded.
        var rows = await Eventually.Async(
            async () => (await GetJsonAsync("/v1/insights/rooms?limit=100")).GetProperty("results").EnumerateArray().ToList(),
            r => r.Count == 2 && HasFields(r[0], classA) && HasFields(r[1], classB), TimeSpan.FromSeconds(15));

        Assert.Equal(["/class-a", "/class-b"], rows.Select(r => r.GetProperty("roomName").GetString()));
        AssertFields(rows[0], classA);
        AssertFields(rows[1], classB);
    }

    [Fact]
    public async Task Presence_shows_who_is_in_the_room_and_knocking_now()
    {
        var presence = await GetJsonAsync("/v1/rooms/presence?roomName=%2Fclass-b");

        AssertFields(presence, ("roomName", "/class-b"), ("numClients", 2));
        Assert.Equal(1, presence.GetProperty("numClientsByRoleName").GetProperty("host").GetInt32());
        Assert.Equal(["alice-3", "carol-1"], presence.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("participantId").GetString()));
        AssertFields(presence.GetProperty("participants")[0], ("externalId", "stu-1"), ("displayName", "Alice"), ("roleName", "visitor"), ("joinedAt", LiveStart));
        AssertFields(Assert.Single(presence.GetProperty("waiting").EnumerateArray()), ("participantId", "dave-1"), ("displayName", "Dave"), ("knockedAt", LiveStart.AddMinutes(2)));
        AssertFields(presence.GetProperty("currentSession"), ("roomSessionId", "s9"), ("startedAt", LiveStart.AddMinutes(1)));

        var empty = await GetJsonAsync("/v1/rooms/presence?roomName=%2Fnever-used");
        Assert.Equal((0, JsonValueKind.Null), (empty.GetProperty("numClients").GetInt32(), empty.GetProperty("currentSession").ValueKind));
    }

    [Fact]
    public async Task Csv_has_the_json_field_names_quotes_rfc_4180_and_neutralises_formulas()
    {
        var (status, body, _, contentType) = await GetAsync("/v1/insights/participants?roomSessionId=s1&limit=100", accept: "text/csv");

        Assert.Equal((200, "text/csv"), (status, contentType));
        var lines = body.Split("\r\n");
        Assert.Equal("roomSessionId,roomName,participantId,externalId,displayName,roleName,joinedAt,leftAt,durationSeconds,leftInferred,metadata,metadataVerified,personId,isPerson,knockedAt,waitedSeconds", lines[0]);
        Assert.StartsWith($"s1,/class-a,alice-1,stu-1,\"'=HYPERLINK(\"\"http://x\"\")\",visitor,{Iso(At(0))},{Iso(At(50))},3000,false,,,stu-1,true", lines[1]);
        Assert.Contains("\"Ann, \"\"the\"\" \nteacher\"", body);

        var sessions = await GetAsync("/v1/insights/room-sessions?roomName=%2Fclass-a", accept: "text/csv");
        Assert.Equal("roomSessionId,roomName,startedAt,endedAt,durationSeconds,totalParticipantMinutes,totalParticipantSeconds,totalUniqueParticipants,peakParticipants,endInferred,"
            + "totalRecorderMinutes,totalStreamerMinutes,totalUniqueRecorders,totalUniqueStreamers,totalKnocks,medianWaitSeconds", sessions.Body.Split("\r\n")[0]);
        var rooms = await GetAsync("/v1/insights/rooms", accept: "text/csv");
        Assert.StartsWith("roomName,firstSessionStartedAt,lastSessionStartedAt,totalSessions,totalParticipantMinutes,totalParticipantSeconds,totalUniqueParticipants,peakParticipants,"
            + "totalRecorderMinutes,totalStreamerMinutes,totalUniqueRecorders,totalUniqueStreamers\r\n", rooms.Body);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_and_bad_paging_is_a_400()
    {
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync("/v1/insights/participants?roomSessionId=s1&limit=1" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            seen.AddRange(page.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("participantId").GetString()!));
            cursor = page.GetProperty("cursor").GetString();
        }
        while (cursor is not null && seen.Count < 10);
        Assert.Equal(["alice-1", "bob-1", "rec-1", "alice-2"], seen);

        foreach (var bad in new[]
        {
            "/v1/insights/participants?roomSessionId=s1&limit=0", "/v1/insights/participants?roomSessionId=s1&limit=101",
            "/v1/insights/participants?roomSessionId=s1&limit=ten", "/v1/insights/participants?roomSessionId=s1&cursor=garbage!",
            "/v1/insights/room-sessions?roomName=%2Fclass-a&cursor=" + Uri.EscapeDataString(cursor ?? "bm9wZQ"),
            "/v1/insights/participants", "/v1/insights/participants?roomSessionId=s1&externalId=stu-1",
            "/v1/insights/room-sessions", "/v1/insights/room-sessions?roomName=no-slash", "/v1/rooms/presence",
            "/v1/attendance", "/v1/attendance?externalId=stu-1&from=yesterday", "/v1/attendance?externalId=stu-1&personId=stu-1",
        })
        {
            var (status, body, _, contentType) = await GetAsync(bad);
            Assert.True(status == 400 && contentType == "application/problem+json", $"{bad}: {status} {body}");
        }
    }

    [Fact]
    public async Task A_key_reads_only_its_own_tenant_and_no_key_is_a_401()
    {
        var other = await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fclass-a", SiloFactory.OtherApiKey);
        Assert.Equal(0, other.GetProperty("results").GetArrayLength());
        Assert.Equal(0, (await GetJsonAsync("/v1/insights/rooms", SiloFactory.OtherApiKey)).GetProperty("results").GetArrayLength());
        Assert.Equal(0, (await GetJsonAsync("/v1/attendance?externalId=stu-1", SiloFactory.OtherApiKey)).GetProperty("sessions").GetArrayLength());
        Assert.Equal(0, (await GetJsonAsync("/v1/insights/participants?roomSessionId=s1", SiloFactory.OtherApiKey)).GetProperty("results").GetArrayLength());

        foreach (var key in new string?[] { null, "", "wrong", SiloFactory.ApiKey + "x", SiloFactory.Secret })
        {
            var (status, _, headers, contentType) = await GetAsync("/v1/insights/rooms", key);
            Assert.Equal((401, "application/problem+json"), (status, contentType));
            Assert.Contains("Bearer", headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task OpenApi_describes_every_path_of_the_contract()
    {
        var (status, body, _, _) = await GetAsync("/openapi/v1.json", apiKey: null);

        Assert.Equal(200, status);
        var paths = JsonDocument.Parse(body).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v1/insights/rooms", "/v1/insights/room-sessions", "/v1/insights/participants", "/v1/attendance", "/v1/rooms/presence", "/webhooks/{tenantId}" })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the OpenAPI document");
            Assert.True(item.TryGetProperty(path.StartsWith("/webhooks", StringComparison.Ordinal) ? "post" : "get", out _));
        }
        Assert.Contains("totalParticipantSeconds", body);
        Assert.Contains("\"limit\"", body);
    }
}

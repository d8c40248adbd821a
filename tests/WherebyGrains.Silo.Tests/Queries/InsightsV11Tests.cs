using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WherebyGrains.Attendance;
using WherebyGrains.Grains;
using WherebyGrains.Testing;
using static WherebyGrains.Silo.Tests.InsightsV11Fixture;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// What api.md v1.1 adds to the query API, over HTTP against a real silo on Azurite, with the
/// numbers worked out by hand from <see cref="InsightsV11Fixture"/>'s meetings: Insights' machine
/// totals, <c>room-sessions?roomSessionId=</c>, <c>attendance?personId=</c>, a tenant whose
/// identity is signed metadata, and a room name and a session id with <c>#</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InsightsV11Tests(InsightsV11Fixture fixture) : IClassFixture<InsightsV11Fixture>
{
    private async Task<(int Status, string Body, string? ContentType)> GetAsync(string path, string apiKey = SiloFactory.ApiKey, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        using var response = await fixture.Silo.Reader(apiKey).SendAsync(request, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<JsonElement> GetJsonAsync(string path, string apiKey = SiloFactory.ApiKey)
    {
        var (status, body, _) = await GetAsync(path, apiKey);
        Assert.True(status == (int)HttpStatusCode.OK, $"{path}: {status} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static List<JsonElement> Results(JsonElement page) => [.. page.GetProperty("results").EnumerateArray()];

    private static (long RecorderMinutes, long StreamerMinutes, int UniqueRecorders, int UniqueStreamers) Machines(JsonElement row) => (
        row.GetProperty("totalRecorderMinutes").GetInt64(), row.GetProperty("totalStreamerMinutes").GetInt64(),
        row.GetProperty("totalUniqueRecorders").GetInt32(), row.GetProperty("totalUniqueStreamers").GetInt32());

    [Fact]
    public async Task Room_sessions_carry_insights_machine_totals_each_connection_rounded_up_then_summed()
    {
        // Expected to fail until the rules compute the machine totals (Session's four properties are 0 before).
        var rows = Results(await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fmachines"));

        Assert.Equal(["s2", "s1"], rows.Select(r => r.GetProperty("roomSessionId").GetString()));
        // s1: recorders 15.5 min (16) and 10 min 1 s (11); the streamer 40 min exactly (40).
        Assert.Equal((27L, 40L, 2, 1), Machines(rows[1]));
        // s2: one recorder, 5 min; no streamer.
        Assert.Equal((5L, 0L, 1, 0), Machines(rows[0]));
        // Machines are never people: the people numbers are those of the two (three in s2) people alone.
        Assert.Equal((120L, 2, 2), (rows[1].GetProperty("totalParticipantMinutes").GetInt64(), rows[1].GetProperty("totalUniqueParticipants").GetInt32(), rows[1].GetProperty("peakParticipants").GetInt32()));
        Assert.Equal((70L, 3), (rows[0].GetProperty("totalParticipantMinutes").GetInt64(), rows[0].GetProperty("totalUniqueParticipants").GetInt32()));
    }

    [Fact]
    public async Task Rooms_sum_the_machine_totals_of_their_sessions()
    {
        // A cross-room view: rooms push their listings, and the list reflects their last events within
        // the contract's bound (2 s p99): the wait is for the final numbers, bounded.
        var rooms = await Eventually.Async(
            async () => Results(await GetJsonAsync("/v1/insights/rooms?limit=100")),
            r => r.Count == 2 && Machines(r[1]) == (32L, 40L, 3, 1) && r[1].GetProperty("totalParticipantMinutes").GetInt64() == 190, TimeSpan.FromSeconds(15));

        Assert.Equal(["/a#b", "/machines"], rooms.Select(r => r.GetProperty("roomName").GetString()));
        Assert.Equal((32L, 40L, 3, 1), Machines(rooms[1]));
        Assert.Equal((0L, 0L, 0, 0), Machines(rooms[0]));
        Assert.Equal((2, 190L, 3), (rooms[1].GetProperty("totalSessions").GetInt32(), rooms[1].GetProperty("totalParticipantMinutes").GetInt64(), rooms[1].GetProperty("totalUniqueParticipants").GetInt32()));
    }

    [Fact]
    public async Task Csv_of_room_sessions_and_rooms_has_the_machine_columns()
    {
        var sessions = await GetAsync("/v1/insights/room-sessions?roomName=%2Fmachines&roomSessionId=s1", accept: "text/csv");
        Assert.Equal((200, "text/csv"), (sessions.Status, sessions.ContentType));
        var lines = sessions.Body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            "roomSessionId,roomName,startedAt,endedAt,durationSeconds,totalParticipantMinutes,totalParticipantSeconds,totalUniqueParticipants,peakParticipants,endInferred,"
            + "totalRecorderMinutes,totalStreamerMinutes,totalUniqueRecorders,totalUniqueStreamers,totalKnocks,medianWaitSeconds",
            lines[0]);
        Assert.StartsWith("s1,/machines,", Assert.Single(lines[1..]));

        var rooms = await GetAsync("/v1/insights/rooms", accept: "text/csv");
        Assert.StartsWith(
            "roomName,firstSessionStartedAt,lastSessionStartedAt,totalSessions,totalParticipantMinutes,totalParticipantSeconds,totalUniqueParticipants,peakParticipants,"
            + "totalRecorderMinutes,totalStreamerMinutes,totalUniqueRecorders,totalUniqueStreamers\r\n",
            rooms.Body);
    }

    [Fact]
    public async Task Room_sessions_narrow_to_one_session_with_room_session_id()
    {
        var s1 = Results(await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fmachines&roomSessionId=s1"));
        Assert.Equal(("s1", 60 * 60.0), (Assert.Single(s1).GetProperty("roomSessionId").GetString(), s1[0].GetProperty("durationSeconds").GetDouble()));

        var s2 = await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fmachines&roomSessionId=s2&limit=1");
        Assert.Equal("s2", Assert.Single(Results(s2)).GetProperty("roomSessionId").GetString());
        Assert.Equal(JsonValueKind.Null, s2.GetProperty("cursor").ValueKind);

        // A session of another room, or none at all: an empty list, not an error.
        Assert.Empty(Results(await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fmachines&roomSessionId=s%231")));
        Assert.Empty(Results(await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fmachines&roomSessionId=nope")));
        Assert.Empty(Results(await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fnever-used&roomSessionId=s1")));
    }

    [Fact]
    public async Task A_room_name_and_a_session_id_with_a_hash_are_served_as_any_other()
    {
        var session = Assert.Single(Results(await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fa%23b&roomSessionId=s%231")));
        Assert.Equal(("/a#b", "s#1", 2, 40L), (session.GetProperty("roomName").GetString(), session.GetProperty("roomSessionId").GetString(),
            session.GetProperty("totalUniqueParticipants").GetInt32(), session.GetProperty("totalParticipantMinutes").GetInt64()));

        // The session directory learns of a session just after its room does.
        var participants = await Eventually.Async(async () => Results(await GetJsonAsync("/v1/insights/participants?roomSessionId=s%231")), p => p.Count == 2);
        Assert.Equal(["ha-1", "va-1"], participants.Select(p => p.GetProperty("participantId").GetString()).Order(StringComparer.Ordinal));
        Assert.All(participants, p => Assert.Equal("/a#b", p.GetProperty("roomName").GetString()));
    }

    [Fact]
    public async Task Attendance_takes_the_person_id_that_participants_rows_show()
    {
        var rows = Results(await GetJsonAsync("/v1/insights/participants?roomSessionId=s2&limit=100"));
        var anonymous = rows.Single(r => r.GetProperty("participantId").GetString() == "anon-1");
        Assert.Equal(JsonValueKind.Null, anonymous.GetProperty("externalId").ValueKind);
        var personId = anonymous.GetProperty("personId").GetString()!;

        // Rows reach the person after the room's hand-offs. Delivered out of order, the events can
        // first make a row without anon-1's left (closed by the session's end, 0 s), corrected when
        // the left comes: wait for the row of all the events (Eventually fails if it never comes).
        var report = await Eventually.Async(
            () => GetJsonAsync("/v1/attendance?personId=" + Uri.EscapeDataString(personId)),
            r => r.GetProperty("sessions").GetArrayLength() == 1 && r.GetProperty("attendedSeconds").GetDouble() == 600);
        Assert.Equal(JsonValueKind.Null, report.GetProperty("externalId").ValueKind);
        Assert.Equal((personId, 600.0), (report.GetProperty("personId").GetString(), report.GetProperty("attendedSeconds").GetDouble()));
        var row = Assert.Single(report.GetProperty("sessions").EnumerateArray());
        Assert.Equal(("/machines", "s2", 1), (row.GetProperty("roomName").GetString(), row.GetProperty("roomSessionId").GetString(), row.GetProperty("connections").GetInt32()));

        // A person with an externalId: the same report by either parameter.
        var byExternalId = await Eventually.Async(() => GetJsonAsync("/v1/attendance?externalId=stu-9"), r => r.GetProperty("sessions").GetArrayLength() == 2);
        var byPersonId = await GetJsonAsync("/v1/attendance?personId=stu-9");
        Assert.Equal((2, 90 * 60.0, "stu-9", "stu-9"), (byExternalId.GetProperty("sessions").GetArrayLength(), byExternalId.GetProperty("attendedSeconds").GetDouble(),
            byExternalId.GetProperty("externalId").GetString(), byExternalId.GetProperty("personId").GetString()));
        Assert.Equal(byExternalId.GetProperty("sessions").GetRawText(), byPersonId.GetProperty("sessions").GetRawText());

        var csv = await GetAsync("/v1/attendance?personId=stu-9", accept: "text/csv");
        Assert.Equal((200, 3), (csv.Status, csv.Body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length));
    }

    [Fact]
    public async Task Attendance_needs_exactly_one_of_external_id_and_person_id()
    {
        foreach (var path in new[] { "/v1/attendance", "/v1/attendance?externalId=stu-9&personId=stu-9", "/v1/attendance?externalId=&personId=", "/v1/attendance?roomName=%2Fmachines" })
        {
            var (status, body, contentType) = await GetAsync(path);
            Assert.True(status == 400 && contentType == "application/problem+json", $"{path}: {status} {body}");
            Assert.Contains("personId", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task With_identity_signed_metadata_an_external_id_names_no_one()
    {
        var session = Assert.Single(Results(await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fclinic", SiloFactory.OtherApiKey)));
        // The two patients' connections typed one externalId; without signed metadata each stands alone.
        Assert.Equal((3, 60L), (session.GetProperty("totalUniqueParticipants").GetInt32(), session.GetProperty("totalParticipantMinutes").GetInt64()));

        var rows = Results(await GetJsonAsync("/v1/insights/participants?roomSessionId=c1&limit=100", SiloFactory.OtherApiKey));
        var byParticipant = rows.ToDictionary(r => r.GetProperty("participantId").GetString()!);
        Assert.Equal(("doctor-1", true), (byParticipant["doc-1"].GetProperty("personId").GetString(), byParticipant["doc-1"].GetProperty("metadataVerified").GetBoolean()));
        // The externalId is still shown, never an identity.
        Assert.Equal(("ext-pat", "pat-1"), (byParticipant["pat-1"].GetProperty("externalId").GetString(), byParticipant["pat-1"].GetProperty("personId").GetString()));
        Assert.Equal("pat-2", byParticipant["pat-2"].GetProperty("personId").GetString());

        var doctor = await Eventually.Async(() => GetJsonAsync("/v1/attendance?personId=doctor-1", SiloFactory.OtherApiKey), r => r.GetProperty("sessions").GetArrayLength() == 1);
        Assert.Equal(30 * 60.0, doctor.GetProperty("attendedSeconds").GetDouble());
        var patient = await Eventually.Async(() => GetJsonAsync("/v1/attendance?personId=pat-2", SiloFactory.OtherApiKey), r => r.GetProperty("sessions").GetArrayLength() == 1);
        Assert.Equal(20 * 60.0, patient.GetProperty("attendedSeconds").GetDouble());
        // Once the patients' rows are in, the typed externalId has none: it never named a person.
        Assert.Equal(0, (await GetJsonAsync("/v1/attendance?externalId=ext-pat", SiloFactory.OtherApiKey)).GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task Attendance_rows_say_how_late_each_person_came_and_whether_the_tenants_policy_counts_them_present()
    {
        // globex counts a person present from 1,200 attended seconds: the second patient came ten
        // minutes late and stayed twenty (present), the first stayed ten from the start (not).
        var expected = new Dictionary<string, (double LateSeconds, bool Present)>
        {
            ["doctor-1"] = (0, true),
            ["pat-1"] = (0, false),
            ["pat-2"] = (600, true),
        };
        foreach (var (person, (lateSeconds, present)) in expected)
        {
            var report = await Eventually.Async(() => GetJsonAsync("/v1/attendance?personId=" + person, SiloFactory.OtherApiKey), r => r.GetProperty("sessions").GetArrayLength() == 1);
            var row = report.GetProperty("sessions")[0];
            Assert.Equal((person, lateSeconds, present), (person, row.GetProperty("lateSeconds").GetDouble(), row.GetProperty("present").GetBoolean()));
        }

        // acme has no policy: present is null; the student was there from each session's start.
        var student = await Eventually.Async(() => GetJsonAsync("/v1/attendance?externalId=stu-9"), r => r.GetProperty("sessions").GetArrayLength() == 2);
        Assert.All(student.GetProperty("sessions").EnumerateArray(), row =>
            Assert.Equal((0.0, JsonValueKind.Null), (row.GetProperty("lateSeconds").GetDouble(), row.GetProperty("present").ValueKind)));

        var csv = await GetAsync("/v1/attendance?personId=pat-2", SiloFactory.OtherApiKey, accept: "text/csv");
        var lines = csv.Body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var values = lines[1].Split(',');
        Assert.Equal(("600", "true"), (values[Array.IndexOf(header, "lateSeconds")], values[Array.IndexOf(header, "present")]));
    }

    [Fact]
    public async Task The_waiting_room_shows_in_each_connections_knock_and_wait_and_in_the_sessions_knocks_and_median_wait()
    {
        var rows = Results(await GetJsonAsync("/v1/insights/participants?roomSessionId=c1&limit=100", SiloFactory.OtherApiKey))
            .ToDictionary(r => r.GetProperty("participantId").GetString()!);
        Assert.Equal((InsightsV11Fixture.At(5), 300.0), (rows["pat-2"].GetProperty("knockedAt").GetDateTimeOffset(), rows["pat-2"].GetProperty("waitedSeconds").GetDouble()));
        Assert.All(new[] { "doc-1", "pat-1" }, id =>
            Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (rows[id].GetProperty("knockedAt").ValueKind, rows[id].GetProperty("waitedSeconds").ValueKind)));
        // The walk-in who gave up never joined: no row of hers.
        Assert.False(rows.ContainsKey("pat-9"));

        // Two knocks (the patient's and the walk-in's), one admitted after five minutes.
        var session = Assert.Single(Results(await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fclinic", SiloFactory.OtherApiKey)));
        Assert.Equal((2, 300.0), (session.GetProperty("totalKnocks").GetInt32(), session.GetProperty("medianWaitSeconds").GetDouble()));
        // acme's rooms had no waiting room.
        Assert.All(Results(await GetJsonAsync("/v1/insights/room-sessions?roomName=%2Fmachines")), s =>
            Assert.Equal((0, JsonValueKind.Null), (s.GetProperty("totalKnocks").GetInt32(), s.GetProperty("medianWaitSeconds").ValueKind)));
    }

    [Fact]
    public async Task OpenApi_describes_the_new_parameters_and_fields()
    {
        using var response = await fixture.Silo.CreateClient().GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var paths = document.GetProperty("paths");
        var schemas = document.GetProperty("components").GetProperty("schemas");
        string[] Properties(string schema) => [.. schemas.GetProperty(schema).GetProperty("properties").EnumerateObject().Select(p => p.Name)];
        Assert.Superset(new HashSet<string> { "totalKnocks", "medianWaitSeconds" }, Properties("RoomSessionView").ToHashSet());
        Assert.Superset(new HashSet<string> { "knockedAt", "waitedSeconds" }, Properties("ParticipantView").ToHashSet());
        Assert.Superset(new HashSet<string> { "lateSeconds", "present" }, Properties("AttendanceRow").ToHashSet());

        string[] Parameters(string path) => [.. paths.GetProperty(path).GetProperty("get").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];
        Assert.Contains("roomSessionId", Parameters("/v1/insights/room-sessions"));
        Assert.Contains("personId", Parameters("/v1/attendance"));
        Assert.Contains("externalId", Parameters("/v1/attendance"));
    }

    [Fact]
    public void The_rules_get_each_tenants_identity_and_the_services_abandon_after()
    {
        var settings = fixture.Silo.Services.GetRequiredService<ITenantAttendanceSettings>();

        var globex = settings.For(SiloFactory.OtherTenant);
        var acme = settings.For(SiloFactory.Tenant);
        Assert.Equal((PersonIdentity.SignedMetadata, AbandonAfter), (globex.Identity, globex.AbandonAfter));
        Assert.Equal((PersonIdentity.ExternalId, AbandonAfter), (acme.Identity, acme.AbandonAfter));
    }
}

using System.Text;
using WherebyGrains.Api.Webhooks;

namespace WherebyGrains.Api.Tests;

public sealed class WebhookEventParserTests
{
    private static ParsedWebhook Parse(string json) => WebhookEventParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_full_joined_event_keeps_every_field()
    {
        var parsed = Parse("""
            {"id":"e1","apiVersion":"1.0","createdAt":"2026-11-29T10:15:00.123+01:00","type":"room.client.joined",
             "data":{"meetingId":"m1","roomName":"/r6y7hw","subdomain":"acme","participantId":"p1","roomSessionId":"s1",
                     "displayName":"Ada","externalId":"u-42","metadata":"m","roleName":"host","numClients":2,
                     "numClientsByRoleName":{"host":1,"visitor":1},"isDialIn":false,"futureField":{"a":[1,2]}}}
            """);

        Assert.Null(parsed.Error);
        var evt = Assert.IsType<WherebyGrains.Contracts.WherebyEvent>(parsed.Event);
        Assert.Equal("e1", evt.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 9, 15, 0, 123, TimeSpan.Zero), evt.CreatedAt);
        Assert.Equal(TimeSpan.Zero, evt.CreatedAt.Offset);
        Assert.Equal(("/r6y7hw", "s1", "p1", "host", "u-42", "Ada", "m", 2, false, "m1"),
            (evt.RoomName, evt.RoomSessionId, evt.ParticipantId, evt.RoleName, evt.ExternalId, evt.DisplayName, evt.Metadata, evt.NumClients, evt.IsDialIn, evt.MeetingId));
    }

    [Fact]
    public void The_simulators_generated_events_carry_the_rooms_counts_through_the_parser()
    {
        // The simulator's rooms give the counts in full, in part or not at all: what the rules are
        // given must arrive as generated.
        var events = Enumerable.Range(0, 12).SelectMany(seed => WherebyGrains.Simulator.GeneratedMeeting.Generate(seed).Events)
            .Where(e => e.Kind is WherebyGrains.Attendance.RoomEventKind.Joined or WherebyGrains.Attendance.RoomEventKind.Left).ToList();
        Assert.Contains(events, e => e.NumClientsByRoleName is not null);
        Assert.Contains(events, e => e.NumClients is not null && e.NumClientsByRoleName is null);
        Assert.Contains(events, e => e.NumClients is null);
        foreach (var e in events)
        {
            var parsed = Assert.IsType<WherebyGrains.Contracts.WherebyEvent>(Parse(WherebyGrains.Simulator.WherebyPayloads.From(e, "/room")).Event);
            Assert.Equal(e.NumClients, parsed.NumClients);
            Assert.Equal(e.NumClientsByRoleName?.OrderBy(p => p.Key), parsed.NumClientsByRoleName?.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public void A_2022_payload_without_optional_fields_parses()
    {
        var parsed = Parse("""{"id":"e2","createdAt":"2022-08-21T21:35:35.736Z","type":"room.client.left","data":{"roomName":"/r","meetingId":"1","participantId":null,"roomSessionId":null,"metadata":null}}""");
        Assert.Null(parsed.Error);
        Assert.NotNull(parsed.Event);
        Assert.Null(parsed.Event.ParticipantId);
        Assert.Null(parsed.Event.RoomSessionId);
    }

    [Theory]
    [InlineData("""{"id":"e3","createdAt":"2026-01-01T00:00:00Z","type":"transcription.finished","data":{}}""", "e3")]
    [InlineData("""{"id":"e4","createdAt":"2026-01-01T00:00:00Z","type":"some.future.event"}""", "e4")]
    [InlineData("""{"id":"e5","createdAt":"2026-01-01T00:00:00Z","type":"recording.finished","data":{"roomName":"/r","recordingId":"x"}}""", "e5")]
    public void Types_no_room_records_are_acknowledged_and_ignored(string json, string id)
    {
        var parsed = Parse(json);
        Assert.Null(parsed.Error);
        Assert.Null(parsed.Event);
        // Its id is what duplicates of it are told apart by.
        Assert.Equal(id, parsed.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{")]
    [InlineData("\"text\"")]
    [InlineData("""{"createdAt":"2026-01-01T00:00:00Z","type":"room.client.joined","data":{"roomName":"/r"}}""")]
    [InlineData("""{"id":"e","type":"room.client.joined","data":{"roomName":"/r"}}""")]
    [InlineData("""{"id":"e","createdAt":"2026-01-01T00:00:00Z","data":{"roomName":"/r"}}""")]
    [InlineData("""{"id":"e","createdAt":"yesterday","type":"room.client.joined","data":{"roomName":"/r"}}""")]
    [InlineData("""{"id":5,"createdAt":"2026-01-01T00:00:00Z","type":"room.client.joined","data":{"roomName":"/r"}}""")]
    [InlineData("""{"id":"","createdAt":"2026-01-01T00:00:00Z","type":"room.client.joined","data":{"roomName":"/r"}}""")]
    [InlineData("""{"id":"e","createdAt":"2026-01-01T00:00:00Z","type":"room.client.joined"}""")]
    [InlineData("""{"id":"e","createdAt":"2026-01-01T00:00:00Z","type":"room.client.joined","data":{"roomName":"r"}}""")]
    [InlineData("""{"id":"e","createdAt":"2026-01-01T00:00:00Z","type":"room.client.joined","data":{"roomName":{"name":"/r"}}}""")]
    [InlineData("""{"id":"e","createdAt":"2026-01-01T00:00:00Z","type":"room.client.joined","data":{"roomName":"/r","roomName":"/s"}}""")]
    [InlineData("""{"id":"e","id":"f","createdAt":"2026-01-01T00:00:00Z","type":"room.client.joined","data":{"roomName":"/r"}}""")]
    public void Bodies_that_are_not_whereby_events_fail_with_a_reason(string json)
    {
        var parsed = Parse(json);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Error));
        Assert.Null(parsed.Event);
    }

    [Fact]
    public void Invalid_utf8_and_deep_nesting_fail_without_throwing()
    {
        byte[] invalid = [.. """{"id":"e","createdAt":"2026-01-01T00:00:00Z","type":"room.client.joined","data":{"roomName":"/"""u8, 0xC3, 0x28, .. "\"}}"u8];
        Assert.NotNull(WebhookEventParser.Parse(invalid).Error);

        var deep = """{"id":"e","createdAt":"2026-01-01T00:00:00Z","type":"x","data":""" + new string('[', 5000) + new string(']', 5000) + "}";
        Assert.NotNull(Parse(deep).Error);
    }
}

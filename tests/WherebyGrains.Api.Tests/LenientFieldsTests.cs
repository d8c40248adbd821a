using System.Text;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Api.Webhooks.Lenient;

namespace WherebyGrains.Api.Tests;

/// <summary>
/// A signed event is Whereby's: a field the rules do not need, or cannot read, never rejects it
/// (Whereby does not retry a 400). Each oddity is named, for the metric.
/// </summary>
public sealed class LenientFieldsTests
{
    private static ParsedWebhook Joined(string dataFields) => WebhookEventParser.Parse(Encoding.UTF8.GetBytes(
        """{"id":"e1","type":"room.client.joined","createdAt":"2026-11-29T10:15:00.000Z","data":{"roomName":"/r","participantId":"p1",""" + dataFields + "}}"));

    [Theory]
    [InlineData("\"numClients\":3", 3, LenientFields.None)]
    [InlineData("\"numClients\":3.0", 3, LenientFields.None)]
    [InlineData("\"numClients\":3e0", 3, LenientFields.None)]
    [InlineData("\"numClients\":\"3\"", 3, LenientFields.NumClients)]
    [InlineData("\"numClients\":\"3.0\"", 3, LenientFields.NumClients)]
    [InlineData("\"numClients\":1.5", null, LenientFields.NumClients)]
    [InlineData("\"numClients\":-1", null, LenientFields.NumClients)]
    [InlineData("\"numClients\":\"x\"", null, LenientFields.NumClients)]
    [InlineData("\"numClients\":1e300", null, LenientFields.NumClients)]
    [InlineData("\"numClients\":99999999999999999999999", null, LenientFields.NumClients)]
    [InlineData("\"numClients\":{\"a\":1}", null, LenientFields.NumClients)]
    [InlineData("\"numClients\":[3]", null, LenientFields.NumClients)]
    [InlineData("\"numClients\":true", null, LenientFields.NumClients)]
    [InlineData("\"numClients\":null", null, LenientFields.None)]
    public void A_count_is_evidence_or_nothing(string field, int? expected, LenientFields lenient)
    {
        var parsed = Joined(field);
        Assert.Null(parsed.Error);
        Assert.Equal(expected, parsed.Event!.NumClients);
        Assert.Equal(lenient, parsed.Lenient);
    }

    [Fact]
    public void Counts_by_role_keep_their_readable_entries()
    {
        var parsed = Joined("\"numClientsByRoleName\":{\"host\":1,\"visitor\":\"2\",\"viewer\":1.5,\"recorder\":{},\"owner\":2.0,\"member\":-3}");
        Assert.Null(parsed.Error);
        Assert.Equal(new Dictionary<string, int> { ["host"] = 1, ["visitor"] = 2, ["owner"] = 2 }, parsed.Event!.NumClientsByRoleName);
        Assert.Equal(LenientFields.NumClientsByRoleName, parsed.Lenient);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"host:1\"")]
    [InlineData("7")]
    [InlineData("true")]
    public void Counts_by_role_that_are_not_an_object_read_as_absent(string value)
    {
        var parsed = Joined("\"numClientsByRoleName\":" + value);
        Assert.Null(parsed.Error);
        Assert.Null(parsed.Event!.NumClientsByRoleName);
        Assert.Equal(LenientFields.NumClientsByRoleName, parsed.Lenient);
    }

    [Theory]
    [InlineData("\"displayName\":{\"first\":\"Ada\"}", LenientFields.DisplayName)]
    [InlineData("\"displayName\":[\"Ada\"]", LenientFields.DisplayName)]
    [InlineData("\"metadata\":{\"a\":[1,{\"b\":2}]}", LenientFields.Metadata)]
    [InlineData("\"roleName\":7", LenientFields.RoleName)]
    [InlineData("\"roomSessionId\":false", LenientFields.RoomSessionId)]
    [InlineData("\"isDialIn\":\"yes\"", LenientFields.IsDialIn)]
    [InlineData("\"meetingId\":123", LenientFields.MeetingId)]
    [InlineData("\"subdomain\":{}", LenientFields.Subdomain)]
    public void A_field_the_rules_do_not_need_never_rejects(string field, LenientFields lenient)
    {
        var parsed = Joined(field);
        Assert.Null(parsed.Error);
        Assert.NotNull(parsed.Event);
        Assert.Equal(lenient, parsed.Lenient);
    }

    [Fact]
    public void Numbers_given_for_text_are_their_text()
    {
        var parsed = WebhookEventParser.Parse(Encoding.UTF8.GetBytes(
            """{"id":"e1","type":"room.client.joined","createdAt":"2026-11-29T10:15:00.000Z","data":{"roomName":"/r","participantId":42,"externalId":1234567890123,"displayName":3.5,"metadata":-1}}"""));
        Assert.Null(parsed.Error);
        Assert.Equal(("42", "1234567890123", "3.5", "-1"), (parsed.Event!.ParticipantId, parsed.Event.ExternalId, parsed.Event.DisplayName, parsed.Event.Metadata));
        Assert.Equal(LenientFields.ParticipantId | LenientFields.ExternalId | LenientFields.DisplayName | LenientFields.Metadata, parsed.Lenient);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("42")]
    [InlineData("{\"roomName\":{\"deep\":[1,2,3]},\"roomName\":7}")]
    [InlineData("{\"status\":{\"code\":1},\"error\":[\"x\"]}")]
    public void An_unknown_types_data_may_hold_anything(string data)
    {
        var parsed = WebhookEventParser.Parse(Encoding.UTF8.GetBytes(
            """{"id":"e1","type":"some.future.event","createdAt":"2026-11-29T10:15:00.000Z","data":""" + data + "}"));
        Assert.Null(parsed.Error);
        Assert.Null(parsed.Event);
        Assert.Equal("e1", parsed.Id);
    }

    [Fact]
    public void A_room_event_whose_data_is_not_an_object_has_no_room_name()
    {
        var parsed = WebhookEventParser.Parse(Encoding.UTF8.GetBytes(
            """{"id":"e1","type":"room.client.left","createdAt":"2026-11-29T10:15:00.000Z","data":"x"}"""));
        Assert.Contains("'data.roomName' is required", parsed.Error);
    }

    [Fact]
    public void The_field_names_are_paths_not_content()
    {
        Assert.Equal(["data.displayName", "data.numClients"], LenientFieldNames.Of(LenientFields.NumClients | LenientFields.DisplayName));
    }
}

using WherebyGrains.Simulator;
using System.Text.Json;
using WherebyGrains.Contracts;
using WherebyGrains.Testing;
using static WherebyGrains.Testing.WebhookSender;

namespace WherebyGrains.Silo.Tests;

[Trait("Category", "Integration")]
public sealed class WebhookIngestTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private static readonly DateTimeOffset MeetingStart = DateTimeOffset.UtcNow.AddMinutes(-30);

    private IRoomGrain Room(string roomName) => fixture.Silo.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, roomName).ToString());

    [Fact]
    public async Task A_signed_event_is_accepted_recorded_and_then_a_duplicate()
    {
        var sender = fixture.Silo.Webhooks();
        var body = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/accept-once", MeetingStart, participantId: "p1", externalId: "u1");

        var first = await sender.SendAsync(body);
        var second = await sender.SendAsync(body);

        Assert.Equal((200, "accepted"), (first.Status, StatusOf(first.Body)));
        Assert.Equal((200, "duplicate"), (second.Status, StatusOf(second.Body)));
        var recorded = Assert.Single(await Room("/accept-once").GetRecordedEventsAsync());
        Assert.Equal(("p1", "u1", MeetingStart.ToUnixTimeMilliseconds()), (recorded.ParticipantId, recorded.ExternalId, recorded.CreatedAt.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public async Task The_previous_secret_still_signs_during_a_rotation()
    {
        var body = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/rotation", MeetingStart, participantId: "p1");
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        var sender = fixture.Silo.Webhooks();

        using var response = await sender.PostAsync(bytes, WebhookSigner.Sign(SiloFactory.OldSecret, bytes, DateTimeOffset.UtcNow));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Single(await Room("/rotation").GetRecordedEventsAsync());
    }

    [Fact]
    public async Task Twenty_concurrent_deliveries_of_one_event_are_accepted_exactly_once()
    {
        var sender = fixture.Silo.Webhooks();
        var body = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/concurrent", MeetingStart, participantId: "p1");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => sender.SendAsync(body)));

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.Equal(1, answers.Count(a => StatusOf(a.Body) == "accepted"));
        Assert.Equal(19, answers.Count(a => StatusOf(a.Body) == "duplicate"));
        Assert.Single(await Room("/concurrent").GetRecordedEventsAsync());
    }

    [Fact]
    public async Task Many_distinct_events_for_one_room_arriving_together_are_all_recorded()
    {
        var sender = fixture.Silo.Webhooks();
        var bodies = Enumerable.Range(0, 100).Select(i =>
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/together", MeetingStart.AddSeconds(i), participantId: $"p{i}")).ToList();

        var answers = await Task.WhenAll(bodies.Select(sender.SendAsync));

        Assert.All(answers, a => Assert.Equal((200, "accepted"), (a.Status, StatusOf(a.Body))));
        Assert.Equal(100, (await Room("/together").GetRecordedEventsAsync()).Count);
    }

    [Theory]
    [InlineData("transcription.finished")]
    [InlineData("recording.finished")]
    [InlineData("assistant.requested")]
    [InlineData("room.something.new")]
    public async Task Event_types_no_room_records_are_accepted_and_ignored(string type)
    {
        var sender = fixture.Silo.Webhooks();
        var body = WherebyPayloads.Envelope(WherebyPayloads.NewEventId(), type, MeetingStart, new System.Text.Json.Nodes.JsonObject
        {
            ["roomName"] = "/ignored-" + type.Replace('.', '-'),
            ["somethingElse"] = new System.Text.Json.Nodes.JsonArray(1, 2, 3),
        });

        var answer = await sender.SendAsync(body);

        Assert.Equal((200, "accepted"), (answer.Status, StatusOf(answer.Body)));
        Assert.Empty(await Room("/ignored-" + type.Replace('.', '-')).GetRecordedEventsAsync());
    }
}

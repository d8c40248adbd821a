using WherebyGrains.Simulator;
using System.Text.Json;
using WherebyGrains.Contracts;
using WherebyGrains.Testing;
using static WherebyGrains.Testing.WebhookSender;

namespace WherebyGrains.Silo.Tests;

/// <summary>Each test owns its Azurite, because each stops or restarts something.</summary>
[Trait("Category", "Integration")]
public sealed class DurabilityTests : AzuriteTest
{

    [Fact]
    public async Task An_accepted_event_is_still_a_duplicate_after_the_silo_restarts()
    {
        var body = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/restart", DateTimeOffset.UtcNow.AddMinutes(-5), participantId: "p1");

        await using (var before = new SiloFactory(Azurite.ConnectionString))
        {
            var first = await before.Webhooks().SendAsync(body);
            Assert.Equal((200, "accepted"), (first.Status, StatusOf(first.Body)));
        }

        await using var after = new SiloFactory(Azurite.ConnectionString);
        var again = await after.Webhooks().SendAsync(body);

        Assert.Equal((200, "duplicate"), (again.Status, StatusOf(again.Body)));
        var room = after.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, "/restart").ToString());
        Assert.Single(await room.GetRecordedEventsAsync());
    }

    [Fact]
    public async Task Storage_down_answers_503_and_the_retry_is_accepted_once_it_is_back()
    {
        await using var silo = new SiloFactory(Azurite.ConnectionString);
        var sender = silo.Webhooks();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var warmup = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/outage", at, participantId: "p0");
        var activeRoom = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/outage", at.AddSeconds(1), participantId: "p1");
        var coldRoom = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/outage-cold", at, participantId: "p2");
        Assert.Equal(200, (await sender.SendAsync(warmup)).Status);

        await Azurite.StopAsync();
        // Both an active room (its write fails) and a room that must first read its state (activation fails).
        var duringOutageActive = await sender.SendAsync(activeRoom);
        var duringOutageCold = await sender.SendAsync(coldRoom);
        await Azurite.StartAgainAsync();
        var retriedActive = await sender.SendAsync(activeRoom);
        var retriedCold = await sender.SendAsync(coldRoom);

        Assert.Equal(503, duringOutageActive.Status);
        Assert.Contains("\"status\":503", duringOutageActive.Body, StringComparison.Ordinal);
        Assert.Equal(503, duringOutageCold.Status);
        Assert.Equal((200, "accepted"), (retriedActive.Status, StatusOf(retriedActive.Body)));
        Assert.Equal((200, "accepted"), (retriedCold.Status, StatusOf(retriedCold.Body)));

        // And it really is durable: a restarted silo still has both.
        await silo.DisposeAsync();
        await using var restarted = new SiloFactory(Azurite.ConnectionString);
        var room = restarted.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, "/outage").ToString());
        Assert.Equal(["p0", "p1"], (await room.GetRecordedEventsAsync()).Select(e => e.ParticipantId));
        Assert.Equal((200, "duplicate"), await restarted.Webhooks().SendAsync(coldRoom) is var d ? (d.Status, StatusOf(d.Body)) : default);
    }
}

using System.Text.Json;
using Orleans.Runtime;
using WherebyGrains.Contracts;
using WherebyGrains.Simulator;
using WherebyGrains.Testing;
using static WherebyGrains.Contracts.WherebyEventTypes;

namespace WherebyGrains.Silo.Tests;

/// <summary>Rooms push their listings to the index (Azure Table): the rooms list wakes no room.</summary>
[Trait("Category", "Integration")]
public sealed class RoomListingTests : AzuriteTest
{
    private const string Room = "/listed";

    [Fact]
    public async Task The_rooms_list_shows_a_sleeping_room_from_the_totals_it_pushed_without_waking_it()
    {
        await using var silo = new SiloFactory(Azurite.ConnectionString);
        var sender = silo.Webhooks();
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        foreach (var body in new[]
        {
            WherebyPayloads.Session(SessionStarted, Room, start, "ls1"),
            WherebyPayloads.Client(ClientJoined, Room, start, participantId: "pa", roomSessionId: "ls1", externalId: "ext-a"),
            WherebyPayloads.Client(ClientJoined, Room, start.AddMinutes(1), participantId: "pb", roomSessionId: "ls1", externalId: "ext-b"),
            WherebyPayloads.Client(ClientLeft, Room, start.AddMinutes(11), participantId: "pb", roomSessionId: "ls1", externalId: "ext-b"),
            WherebyPayloads.Client(ClientLeft, Room, start.AddMinutes(21), participantId: "pa", roomSessionId: "ls1", externalId: "ext-a"),
            WherebyPayloads.Session(SessionEnded, Room, start.AddMinutes(21), "ls1"),
        })
        {
            Assert.Equal(200, (await sender.SendAsync(body)).Status);
        }

        // The ended session's totals reach the index, as the room computes them: alice 21 min, bob 10.
        var index = silo.Grains.GetGrain<IRoomIndexGrain>(IRoomIndexGrain.KeyFor(SiloFactory.Tenant, Room));
        // Not listed at all yet is "not yet" too: the room pushes after its sessions' entries, and the bucket gathers.
        var listed = await Eventually.Async(async () => (await index.ListAsync(null, 100)).SingleOrDefault(l => l.RoomName == Room), l => l?.Summary is not null);
        var room = silo.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, Room).ToString());
        Assert.Equal(await room.GetSummaryAsync(), listed!.Summary);
        Assert.Equal((1, 2, 2, 1860.0), (listed.Summary!.TotalSessions, listed.Summary.TotalUniqueParticipants, listed.Summary.PeakParticipants, listed.Summary.TotalParticipantSeconds));

        // The room sleeps (collected), and the list reads its totals without waking it.
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        var roomId = ((IAddressable)room).GetGrainId();
        await Eventually.Async(async () =>
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            return await management.GetActiveGrains(roomId.Type, TestContext.Current.CancellationToken);
        }, active => !active.Contains(roomId));

        using var response = await silo.Reader().GetAsync("/v1/insights/rooms?limit=100", TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var row = page.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("roomName").GetString() == Room);
        Assert.Equal((1, 2, 1860.0), (row.GetProperty("totalSessions").GetInt32(), row.GetProperty("totalUniqueParticipants").GetInt32(), row.GetProperty("totalParticipantSeconds").GetDouble()));
        Assert.DoesNotContain(roomId, await management.GetActiveGrains(roomId.Type, TestContext.Current.CancellationToken));
    }
}

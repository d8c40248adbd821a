using WherebyGrains.Contracts;
using WherebyGrains.Testing;
using static WherebyGrains.Grains.Tests.Events;

namespace WherebyGrains.Grains.Tests;

public sealed class ArchiveRaceTests(HeldWritesFixture fixture) : IClassFixture<HeldWritesFixture>
{
    [Fact]
    public async Task A_late_event_that_arrives_while_its_session_is_being_archived_ends_up_in_that_session()
    {
        const string name = "/archive-race";
        var room = fixture.Grains.GetGrain<IRoomGrain>(new RoomKey(ClusterFixture.Tenant, name).ToString());
        var start = fixture.Clock.GetUtcNow();
        foreach (var e in new[]
        {
            Session(WherebyEventTypes.SessionStarted, name, start, "s1"),
            Joined(name, start, "pa", "alice-race", "s1"),
            Joined(name, start, "pb", "bob-race", "s1"),
            Left(name, start.AddMinutes(40), "pa", "alice-race", "s1"),
            Left(name, start.AddMinutes(40), "pb", "bob-race", "s1"),
            Session(WherebyEventTypes.SessionEnded, name, start.AddMinutes(41), "s1"),
        })
        {
            await fixture.IngestAsync(e);
        }

        // Seven hours on, a new activation archives s1: its record's write is held in flight.
        fixture.Clock.SetUtcNow(start.AddHours(7));
        fixture.Held.Hold("session");
        await fixture.Cluster.DeactivateAsync((Orleans.Runtime.IAddressable)room);
        await room.GetPresenceAsync();
        await fixture.Held.Arrived.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        // Meanwhile a late connection of s1 arrives (no session id: by its time) and is acknowledged by the room.
        Assert.Equal(IngestOutcome.Accepted, await fixture.IngestAsync(Client(WherebyEventTypes.ClientJoined, name, start.AddMinutes(10), "pc", "carol-race")));
        Assert.Equal(IngestOutcome.Accepted, await fixture.IngestAsync(Client(WherebyEventTypes.ClientLeft, name, start.AddMinutes(20), "pc", "carol-race")));
        fixture.Held.Release();

        // The room lets go of s1 only with the late events: they are in its archive, not left behind.
        await Eventually.Async(() => room.GetRecordedEventsAsync(), events => events.Count == 0);
        var s1 = (await room.GetSessionsAsync()).Single(s => s.RoomSessionId == "s1");
        Assert.Equal((3, (40 + 40 + 10) * 60.0), (s1.TotalUniqueParticipants, s1.TotalParticipantSeconds));
        Assert.Contains(await room.GetParticipantsAsync("s1"), p => p.ParticipantId == "pc");
    }
}

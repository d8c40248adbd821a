using WherebyGrains.Contracts;
using WherebyGrains.Testing;
using static WherebyGrains.Grains.Tests.Events;

namespace WherebyGrains.Grains.Tests;

[Trait("Category", "Cluster")]
public sealed class SessionTimerTests(RealClockClusterFixture fixture) : IClassFixture<RealClockClusterFixture>
{
    [Fact]
    public async Task The_room_timer_ends_a_session_after_the_grace_with_no_event_or_query_to_wake_it()
    {
        const string name = "/timer";
        var room = fixture.Grains.GetGrain<IRoomGrain>(new RoomKey(ClusterFixture.Tenant, name).ToString());
        var person = fixture.Grains.GetGrain<IPersonReportGrain>(fixture.PersonKeys.For(ClusterFixture.Tenant, "alice-timer"));
        var start = DateTimeOffset.UtcNow.AddSeconds(-30);

        await fixture.IngestAsync(Joined(name, start, "pa", "alice-timer", "t1"));
        await fixture.IngestAsync(Joined(name, start, "pb", "bob-timer", "t1"));
        var left = DateTimeOffset.UtcNow;
        await fixture.IngestAsync(Left(name, left, "pb", "bob-timer", "t1"));

        // Only the person grain is read: the room is left alone, so only its own timer can end the session.
        var rows = await Eventually.Async(() => person.GetAttendanceAsync(), r => r.Count == 1 && r[0].SessionEndedAt is not null, TimeSpan.FromSeconds(30));
        var row = Assert.Single(rows);
        Assert.Equal(left.ToUnixTimeMilliseconds(), row.SessionEndedAt?.ToUnixTimeMilliseconds());
    }
}

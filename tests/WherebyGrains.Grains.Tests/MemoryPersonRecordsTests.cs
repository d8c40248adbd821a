using Microsoft.Extensions.DependencyInjection;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;

namespace WherebyGrains.Grains.Tests;

/// <summary>Person rows under memory storage, written by rooms on two real silos at once.</summary>
[Trait("Category", "Cluster")]
public sealed class MemoryPersonRecordsTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Rooms_on_two_silos_writing_one_person_at_once_lose_no_row_and_an_older_revision_changes_nothing()
    {
        var silos = fixture.Cluster.Silos.Select(s => s.SiloHost.Services.GetRequiredService<IPersonRecords>()).ToList();
        Assert.Equal(2, silos.Count);
        var person = fixture.PersonKeys.For(ClusterFixture.Tenant, "dana-records");

        // Twenty rooms, half on each silo, all writing the same person at once: every row kept.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            silos[i % 2].WriteAsync(ClusterFixture.Tenant, $"/room-{i}", [HandOff(person, $"/room-{i}", "s1", revision: 10, attended: 60 + i)])));
        await silos[0].WriteAsync(ClusterFixture.Tenant, "/room-3", [HandOff(person, "/room-3", "s1", revision: 4, attended: 1)]);

        var rows = await fixture.Grains.GetGrain<IPersonReportGrain>(person).GetAttendanceAsync();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => ($"/room-{i}", 60.0 + i)).OrderBy(r => r.Item1, StringComparer.Ordinal),
            rows.Select(r => (r.RoomName, r.AttendedSeconds)).OrderBy(r => r.RoomName, StringComparer.Ordinal));

        // A withdrawal hides the row from the report; an older hand-off does not bring it back.
        await silos[1].WriteAsync(ClusterFixture.Tenant, "/room-5", [PersonHandOff.Withdrawal(person, "/room-5", "s1", revision: 11)]);
        await silos[0].WriteAsync(ClusterFixture.Tenant, "/room-5", [HandOff(person, "/room-5", "s1", revision: 10, attended: 65)]);
        var after = await fixture.Grains.GetGrain<IPersonReportGrain>(person).GetAttendanceAsync();
        Assert.Equal(19, after.Count);
        Assert.DoesNotContain(after, r => r.RoomName == "/room-5");
    }

    private PersonHandOff HandOff(string person, string room, string session, long revision, double attended) =>
        new(person, new AttendanceRow
        {
            RoomName = room,
            RoomSessionId = session,
            SessionStartedAt = fixture.Clock.GetUtcNow(),
            FirstJoinedAt = fixture.Clock.GetUtcNow(),
            AttendedSeconds = attended,
            Connections = 1,
            AttendanceRatio = 0,
        }, revision);
}

using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using WherebyGrains.Contracts;
using WherebyGrains.Testing;

namespace WherebyGrains.Grains.Tests;

/// <summary>A clinician's permanent room over a simulated year: its own record must stay the size of its recent days.</summary>
public sealed class PermanentRoomTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const string Name = "/dr-permanent";
    private const int Days = 365;
    private const int VisitsADay = 8;
    // A clinic's patients come back: a pool, not a new person every visit.
    private const int Patients = 120;
    private static int _ids;

    [Fact]
    public async Task A_room_with_eight_visits_a_day_for_a_year_keeps_a_record_as_small_as_after_its_first_month()
    {
        var room = fixture.Grains.GetGrain<IRoomGrain>(new RoomKey(ClusterFixture.Tenant, Name).ToString());
        var first = new DateTimeOffset(fixture.Clock.GetUtcNow().UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        var sizes = new Dictionary<int, (int Held, int Bytes, string Parts)>();

        for (var day = 0; day < Days; day++)
        {
            var morning = first.AddDays(day).AddHours(8);
            // Overnight the room is idle: a new activation runs maintenance, which archives yesterday.
            fixture.Clock.SetUtcNow(morning.AddMinutes(-1));
            await fixture.Cluster.DeactivateAsync((IAddressable)room);
            // Measured once maintenance is done: yesterday archived, index entries past a month moved to history.
            // (The day's events wait for it: an event racing the archive is ArchiveRaceTests' case.)
            await room.GetPresenceAsync();
            var monthAgo = morning.AddDays(-31).ToUnixTimeMilliseconds();
            var stored = day == 0 ? default : await Eventually.Async(() => StoredAsync(room), r => r.State.Events.Count == 0 && r.State.Archived.All(a => a.EndedAt >= monthAgo));
            if (day is 31 or 92 or 153 or 214 or 275 or Days - 1)
            {
                sizes[day] = (stored.State.Events.Count, stored.Bytes, stored.Parts);
            }
            // Each visit's events arrive together, as Whereby sends them: they share the room's writes.
            foreach (var visit in Day(day, morning))
            {
                fixture.Clock.SetUtcNow(visit.Max(e => e.CreatedAt));
                var outcomes = await Task.WhenAll(visit.Select(fixture.IngestAsync));
                Assert.All(outcomes, o => Assert.Equal(IngestOutcome.Accepted, o));
            }
        }

        // Flat: the record of the last day is no larger than after the first month (within 10 %).
        var month = sizes[31].Bytes;
        Assert.All(sizes, s => Assert.True(s.Value.Bytes <= month * 1.1, $"day {s.Key}: {s.Value.Bytes} bytes ({s.Value.Parts}) against {month} after a month ({sizes[31].Parts})"));

        // And nothing is lost: every session of the year is listed, with its numbers.
        fixture.Clock.SetUtcNow(first.AddDays(Days + 1));
        var sessions = await room.GetSessionsAsync();
        Assert.Equal(Days * VisitsADay, sessions.Count);
        Assert.All(sessions, s => Assert.Equal((2, 30.5 * 60), (s.TotalUniqueParticipants, s.DurationSeconds)));
        var summary = await room.GetSummaryAsync();
        Assert.Equal((Days * VisitsADay, Patients + 1), (summary.TotalSessions, summary.TotalUniqueParticipants));
        Assert.Equal(first.AddHours(8.5), summary.FirstSessionStartedAt);
    }

    /// <summary>
    /// One day, visit by visit: the clinician joins at 8:00 and stays; each hour a patient knocks,
    /// is let in, and leaves half an hour later; Whereby's session events carry no id (as its docs
    /// show); she leaves at 17:00.
    /// </summary>
    private static IEnumerable<WherebyEvent[]> Day(int day, DateTimeOffset morning)
    {
        yield return [Client(WherebyEventTypes.ClientJoined, morning, $"c-{day}", "clinician", null, "host", 1)];
        for (var visit = 0; visit < VisitsADay; visit++)
        {
            var at = morning.AddMinutes(30 + 60 * visit);
            var patient = $"patient-{(day * VisitsADay + visit) % Patients}";
            var participant = $"p-{day}-{visit}";
            var session = $"s-{day}-{visit}";
            yield return
            [
                Client(WherebyEventTypes.ClientKnocked, at.AddMinutes(-1), participant, patient, null, "visitor", null),
                Client(WherebyEventTypes.ClientJoined, at, participant, patient, session, "visitor", 2),
                Events.Session(WherebyEventTypes.SessionStarted, Name, at, null),
                Client(WherebyEventTypes.ClientLeft, at.AddMinutes(30), participant, patient, session, "visitor", 1),
                Events.Session(WherebyEventTypes.SessionEnded, Name, at.AddMinutes(30.5), null),
            ];
        }
        yield return [Client(WherebyEventTypes.ClientLeft, morning.AddHours(9), $"c-{day}", "clinician", null, "host", 0)];
    }

    private static WherebyEvent Client(string type, DateTimeOffset at, string participant, string person, string? session, string role, int? count) =>
        Events.Client(type, Name, at, participant, person, session, role) with { Id = $"perm{Interlocked.Increment(ref _ids):D8}", NumClients = count };

    /// <summary>The room's stored record, read from the silos' grain storage and serialized as Orleans stores it.</summary>
    private async Task<(RoomState State, int Bytes, string Parts)> StoredAsync(IRoomGrain room)
    {
        var services = fixture.Cluster.Silos[0].ServiceProvider;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var state = new GrainState<RoomState>();
        await storage.ReadStateAsync("room", ((IAddressable)room).GetGrainId(), state);
        Assert.True(state.RecordExists);
        var s = state.State ?? throw new InvalidOperationException("No room record.");
        var parts = $"{s.Archived.Count} archived, {s.ArchivedEventIds.Count} archived ids, {s.HandedOff.Count} handed off, {s.Outbox.Count} outbox, " +
            $"{s.HistoryPeople.Count} people and {s.HistoryMonths.Count} months in history, {s.RegisteredSessions.Count}/{s.EndedCounted.Count} sessions registered/counted";
        return (s, services.GetRequiredService<Serializer>().SerializeToArray(s).Length, parts);
    }
}

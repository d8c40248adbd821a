using WherebyGrains.Contracts;
using WherebyGrains.Testing;
using static WherebyGrains.Grains.Tests.Events;

namespace WherebyGrains.Grains.Tests;

[Trait("Category", "Cluster")]
public sealed class RoomGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IRoomGrain Room(string name) => fixture.Grains.GetGrain<IRoomGrain>(new RoomKey(ClusterFixture.Tenant, name).ToString());

    private IPersonReportGrain Person(string personId) => fixture.Grains.GetGrain<IPersonReportGrain>(fixture.PersonKeys.For(ClusterFixture.Tenant, personId));

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    [Fact]
    public async Task A_session_without_whereby_events_ends_by_inference_even_across_deactivation_and_hands_off_final_rows()
    {
        const string name = "/inferred-end";
        var start = Now;
        var room = Room(name);
        await fixture.IngestAsync(Joined(name, start, "pa", "alice-inf", "s1"));
        await fixture.IngestAsync(Joined(name, start.AddMinutes(1), "pb", "bob-inf", "s1"));
        await fixture.IngestAsync(Left(name, start.AddMinutes(30), "pb", "bob-inf", "s1"));
        fixture.Clock.SetUtcNow(start.AddMinutes(30.5));

        // Live: the person knows of the session already (one hand-off), its end is not known yet.
        var live = await Eventually.Async(() => Person("alice-inf").GetAttendanceAsync(), rows => rows.Count == 1);
        Assert.Null(Assert.Single(live).SessionEndedAt);
        Assert.Null((await room.GetSessionsAsync())[0].EndedAt);

        await fixture.Cluster.DeactivateAsync((Orleans.Runtime.IAddressable)room);
        fixture.Clock.SetUtcNow(start.AddMinutes(32));

        var session = Assert.Single(await room.GetSessionsAsync());
        Assert.Equal((start.AddMinutes(30), true, 2), (session.EndedAt, session.EndInferred, session.TotalUniqueParticipants));
        var final = await Eventually.Async(() => Person("alice-inf").GetAttendanceAsync(), rows => rows.Single().SessionEndedAt is not null);
        var row = Assert.Single(final);
        Assert.Equal((start.AddMinutes(30), 29 * 60.0, start, 1.0), (row.SessionEndedAt, row.AttendedSeconds, row.FirstJoinedAt, row.AttendanceRatio));
        // Nothing shows alice gone (rule 3): the session ended, she stays in the room.
        var alice = (await room.GetParticipantsAsync("s1")).Single(p => p.ParticipantId == "pa");
        Assert.Equal(((DateTimeOffset?)null, false), (alice.LeftAt, alice.LeftInferred));
        Assert.Equal(["pa"], (await room.GetPresenceAsync()).Participants.Select(p => p.ParticipantId));
    }

    [Fact]
    public async Task A_late_join_that_undoes_an_inferred_end_withdraws_the_rows_of_the_session_it_merges_away()
    {
        const string name = "/merged-sessions";
        var start = Now;
        fixture.Clock.SetUtcNow(start.AddMinutes(40));
        var room = Room(name);
        // No session ids (2022-style): sessions are inferred. Bob's leave ends the first; his return starts a second.
        await fixture.IngestAsync(Joined(name, start, "pa", "alice-merge"));
        await fixture.IngestAsync(Joined(name, start, "pb1", "bob-merge"));
        await fixture.IngestAsync(Left(name, start.AddMinutes(10), "pb1", "bob-merge"));
        await fixture.IngestAsync(Joined(name, start.AddMinutes(20), "pb2", "bob-merge"));
        await fixture.IngestAsync(Left(name, start.AddMinutes(30), "pb2", "bob-merge"));
        await fixture.IngestAsync(Left(name, start.AddMinutes(30), "pa", "alice-merge"));
        Assert.Equal(2, (await room.GetSessionsAsync()).Count);
        // Alice's one connection belongs to the first session; Bob has a connection in each.
        var before = await Eventually.Async(() => Person("bob-merge").GetAttendanceAsync(), rows => rows.Count == 2 && rows.All(r => r.SessionEndedAt is not null));
        Assert.Equal(2, before.Count(r => r.SessionEndedAt is not null));

        // Carol was there all along: the room never dropped below two, so there was one session.
        await fixture.IngestAsync(Joined(name, start.AddMinutes(9), "pc", "carol-merge"));
        await fixture.IngestAsync(Left(name, start.AddMinutes(21), "pc", "carol-merge"));

        var session = Assert.Single(await room.GetSessionsAsync());
        foreach (var person in new[] { "alice-merge", "bob-merge" })
        {
            var rows = await Eventually.Async(() => Person(person).GetAttendanceAsync(), rows => rows.Count == 1 && rows[0].SessionEndedAt == start.AddMinutes(30));
            Assert.Equal((session.RoomSessionId, start.AddMinutes(30)), (rows[0].RoomSessionId, rows[0].SessionEndedAt));
        }
        Assert.Equal(30 * 60.0, (await Person("alice-merge").GetAttendanceAsync()).Single().AttendedSeconds);
        Assert.Equal(20 * 60.0, (await Person("bob-merge").GetAttendanceAsync()).Single().AttendedSeconds);
    }

    [Fact]
    public async Task A_reminder_left_by_a_room_that_never_wrote_its_record_removes_itself_on_its_first_tick()
    {
        // A room that crashed between registering its reminder and its first write: no record (so
        // activation does not look for a reminder), but a reminder. Its tick must still clean up.
        var id = ((Orleans.Runtime.IAddressable)Room("/orphan-reminder")).GetGrainId();
        var reminders = fixture.Grains.GetGrain<IReminderPlanterGrain>(0);
        await reminders.PlantAsync(id, "maintenance", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.True(await reminders.ExistsAsync(id, "maintenance"));

        Assert.False(await Eventually.Async(() => reminders.ExistsAsync(id, "maintenance"), exists => !exists));
    }

    [Fact]
    public async Task A_room_whose_owner_stays_past_the_archive_delay_waits_for_her_to_leave()
    {
        // Her morning's sessions are past ArchiveAfter, but she holds them: nothing can be archived
        // until she leaves. Maintenance used to be due at once, again and again: a million passes
        // in two seconds, and under load a room that answered nothing (found by PermanentRoomTests).
        const string tenant = "holds";
        const string name = "/stayer-holds";
        var start = Now;
        var room = fixture.Grains.GetGrain<IRoomGrain>(new RoomKey(tenant, name).ToString());
        using var passes = new TenantMeasurements<long>("wherebygrains.rooms.maintenance", tenant);
        foreach (var e in new[]
        {
            Client(WherebyEventTypes.ClientJoined, name, start, "host", "dr-holds", null, "host") with { NumClients = 1 },
            Joined(name, start.AddMinutes(5), "visit", "patient-holds", "s1") with { NumClients = 2 },
            Session(WherebyEventTypes.SessionStarted, name, start.AddMinutes(5), null),
            Left(name, start.AddMinutes(35), "visit", "patient-holds", "s1") with { NumClients = 1 },
            Session(WherebyEventTypes.SessionEnded, name, start.AddMinutes(35.5), null),
        })
        {
            Assert.Equal(IngestOutcome.Accepted, await fixture.IngestAsync(tenant, e));
        }

        // Collected while idle; a query brings it back, and its maintenance runs at once and plans the next.
        fixture.Clock.SetUtcNow(start.AddHours(7));
        await fixture.Cluster.DeactivateAsync((Orleans.Runtime.IAddressable)room);
        Assert.Equal(1, (await room.GetPresenceAsync()).NumClients);
        await Eventually.Async(() => Task.FromResult(passes.Values.Sum()), n => n >= 1);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        // One pass, two at most (a timer set before the deactivation's): not one per millisecond.
        var counted = passes.Values.Sum();
        Assert.True(counted <= 2, $"{counted} maintenance passes in two seconds");
        Assert.Equal(5, (await room.GetRecordedEventsAsync()).Count);

        // Once she leaves, the morning goes to its archive.
        fixture.Clock.SetUtcNow(start.AddHours(7.5));
        Assert.Equal(IngestOutcome.Accepted, await fixture.IngestAsync(tenant, Client(WherebyEventTypes.ClientLeft, name, start.AddHours(7.5), "host", "dr-holds", null, "host") with { NumClients = 0 }));
        fixture.Clock.SetUtcNow(start.AddHours(14));
        await fixture.Cluster.DeactivateAsync((Orleans.Runtime.IAddressable)room);
        await room.GetPresenceAsync();
        await Eventually.Async(() => room.GetRecordedEventsAsync(), events => events.Count == 0);
        Assert.Equal(2, Assert.Single(await room.GetSessionsAsync()).TotalUniqueParticipants);
    }

    [Fact]
    public async Task A_closed_session_moves_to_its_own_record_and_a_late_event_for_it_lands_there()
    {
        const string name = "/archive";
        var start = Now;
        var room = Room(name);
        var lateJoin = Joined(name, start.AddMinutes(10), "pc", "carol-arc", "s1");
        var early = new[]
        {
            Session(WherebyEventTypes.SessionStarted, name, start, "s1"),
            Joined(name, start, "pa", "alice-arc", "s1"),
            Joined(name, start, "pb", "bob-arc", "s1"),
            Left(name, start.AddMinutes(40), "pa", "alice-arc", "s1"),
            Left(name, start.AddMinutes(40), "pb", "bob-arc", "s1"),
            Session(WherebyEventTypes.SessionEnded, name, start.AddMinutes(41), "s1"),
        };
        foreach (var e in early)
        {
            await fixture.IngestAsync(e);
        }

        fixture.Clock.SetUtcNow(start.AddHours(7));
        await fixture.Cluster.DeactivateAsync((Orleans.Runtime.IAddressable)room);
        await fixture.IngestAsync(Joined(name, start.AddHours(7), "pd", "dan-arc", "s2"));

        // The room's own record keeps only what is live; s1 is listed from its archive.
        var held = await Eventually.Async(() => room.GetRecordedEventsAsync(), events => events.Count == 1);
        Assert.Equal("pd", Assert.Single(held).ParticipantId);
        Assert.Equal(2, (await room.GetSessionsAsync()).Single(s => s.RoomSessionId == "s1").TotalUniqueParticipants);

        // A late event for s1, hours after it closed, and a redelivery of an archived one.
        Assert.Equal(IngestOutcome.Accepted, await fixture.IngestAsync(lateJoin));
        Assert.Equal(IngestOutcome.Accepted, await fixture.IngestAsync(Left(name, start.AddMinutes(20), "pc", "carol-arc", "s1")));
        Assert.Equal(IngestOutcome.Duplicate, await fixture.IngestAsync(early[1]));
        Assert.Equal(IngestOutcome.Duplicate, await fixture.IngestAsync(lateJoin));

        var s1 = (await room.GetSessionsAsync()).Single(s => s.RoomSessionId == "s1");
        Assert.Equal((3, 90 * 60.0), (s1.TotalUniqueParticipants, s1.TotalParticipantSeconds));
        Assert.Contains(await room.GetParticipantsAsync("s1"), p => p.ParticipantId == "pc");
        Assert.Single(await room.GetRecordedEventsAsync());
        // Two hand-offs: after the late join (open until the session's end), then corrected by the late leave.
        var carol = await Eventually.Async(() => Person("carol-arc").GetAttendanceAsync(), rows => rows.Count == 1 && rows[0].AttendedSeconds == 600);
        Assert.Equal(600.0, Assert.Single(carol).AttendedSeconds);
    }

    [Fact]
    public async Task Any_delivery_order_with_duplicates_gives_the_same_results_as_in_order()
    {
        var start = Now;
        List<WherebyEvent> Meeting(string name) =>
        [
            Joined(name, start, "pa", "alice", "s1"),
            Joined(name, start.AddMinutes(2), "pb", "bob", "s1"),
            Session(WherebyEventTypes.SessionStarted, name, start.AddMinutes(2), "s1"),
            Joined(name, start.AddMinutes(5), "pc1", "carol", "s1"),
            Joined(name, start.AddMinutes(6), "pc2", "carol", "s1"),
            Left(name, start.AddMinutes(20), "pc1", "carol", "s1"),
            Joined(name, start.AddMinutes(7), "rec", null, "s1"),
            Left(name, start.AddMinutes(30), "pb", "bob", "s1"),
            Left(name, start.AddMinutes(35), "pa", "alice", "s1"),
            Session(WherebyEventTypes.SessionEnded, name, start.AddMinutes(36), "s1"),
        ];

        async Task<string> DeliverAsync(string name, Func<List<WherebyEvent>, IEnumerable<WherebyEvent>> order)
        {
            var room = Room(name);
            await Task.WhenAll(order(Meeting(name)).Select(fixture.IngestAsync));
            var sessions = await room.GetSessionsAsync();
            var participants = await room.GetParticipantsAsync(null);
            return System.Text.Json.JsonSerializer.Serialize(new { sessions, participants }).Replace(name, "ROOM");
        }

        fixture.Clock.SetUtcNow(start.AddHours(1));
        var inOrder = await DeliverAsync("/order-0", events => events);
        for (var seed = 1; seed <= 5; seed++)
        {
            var random = new Random(seed);
            var messy = await DeliverAsync($"/order-{seed}", events => events.Concat(events.Where(_ => random.Next(2) == 0)).OrderBy(_ => random.Next()).ToList());
            Assert.Equal(inOrder, messy);
        }
    }

    [Fact]
    public async Task A_webinar_of_2000_people_in_one_room_gives_exact_totals()
    {
        const string name = "/webinar";
        const int audience = 2000;
        var start = Now;
        var room = Room(name);
        var events = new List<WherebyEvent>
        {
            Session(WherebyEventTypes.SessionStarted, name, start, "w1"),
            Joined(name, start, "host", "host-w", "w1"),
        };
        for (var i = 0; i < audience; i++)
        {
            // Everyone stays i % 60 + 1 minutes, from a staggered arrival.
            var joined = start.AddSeconds(i % 120);
            events.Add(Joined(name, joined, $"p{i}", $"viewer-{i}", "w1"));
            events.Add(Left(name, joined.AddMinutes(i % 60 + 1), $"p{i}", $"viewer-{i}", "w1"));
        }
        events.Add(Left(name, start.AddMinutes(90), "host", "host-w", "w1"));
        events.Add(Session(WherebyEventTypes.SessionEnded, name, start.AddMinutes(91), "w1"));

        // Delivered as Whereby would under load: many at once, in no order.
        var random = new Random(2000);
        var shuffled = events.OrderBy(_ => random.Next()).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var chunk in shuffled.Chunk(200))
        {
            var outcomes = await Task.WhenAll(chunk.Select(fixture.IngestAsync));
            Assert.All(outcomes, o => Assert.Equal(IngestOutcome.Accepted, o));
        }
        TestContext.Current.SendDiagnosticMessage($"webinar: {events.Count} events recorded in {watch.ElapsedMilliseconds} ms");
        fixture.Clock.SetUtcNow(start.AddHours(2));

        var session = Assert.Single(await room.GetSessionsAsync());
        // Whole minutes each: 2000 = 33 * 60 + 20 viewers stay 33 * (1 + ... + 60) + (1 + ... + 20)
        // = 33 * 1830 + 210 = 60,600 minutes, and the host 90.
        Assert.Equal((2001, 60_690 * 60.0, 60_690L), (session.TotalUniqueParticipants, session.TotalParticipantSeconds, session.TotalParticipantMinutes));
        // Worked out by hand: viewer i arrives at second a = i % 120 and stays (a % 60 + 1) minutes
        // (i % 60 == a % 60), so leaves at second 61a + 60 (a < 60) or 61a - 3540 (a >= 60). The last
        // arrival is at 119 s, the first leave after it at 120 s (a = 60); before 119 s not everyone has
        // come, and the only ones gone by then are the a = 0 viewers (left at 60 s). 2000 = 16 * 120 + 80,
        // so a = 0 is 17 viewers: at 119 s the room holds 2000 - 17 viewers and the host, 1984 people.
        Assert.Equal(1984, session.PeakParticipants);
        Assert.Equal(2 * audience + 4, (await room.GetRecordedEventsAsync()).Count);
    }
}

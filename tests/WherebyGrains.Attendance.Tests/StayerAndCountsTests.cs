using WherebyGrains.Attendance;
using static WherebyGrains.Attendance.Tests.Timeline;

namespace WherebyGrains.Attendance.Tests;

/// <summary>Rules 3, 5 and 7 as amended in api.md 1.1: people who stay across sessions, the room's counts as evidence, silence.</summary>
public sealed class StayerAndCountsTests
{
    private const long Minute = 60_000;

    /// <summary>The clinician of api.md: A stays, B's visit is S1, C's is S2; session events carry no id.</summary>
    private static Timeline Clinic() => new Timeline()
        .Join(0, "pa", "clinician", role: "host", count: 1)
        .Join(5, "pb", "patient-b", role: "visitor", session: "S1", count: 2).Started(5, null)
        .Leave(30, "pb", "patient-b", role: "visitor", session: "S1", count: 1).Ended(31, null)
        .Join(40, "pc", "patient-c", role: "visitor", session: "S2", count: 2).Started(40, null);

    [Fact]
    public void A_clinician_who_stays_between_patients_is_present_and_in_both_sessions_with_her_part_in_each()
    {
        var live = Clinic().Compute(45);
        Assert.Equal(["pa", "pc"], live.Presence.Participants.Select(c => c.ParticipantId));
        Assert.Equal(2, live.Presence.NumClients);
        Assert.Equal("S2", live.Presence.CurrentSession?.RoomSessionId);

        var done = Clinic()
            .Leave(55, "pa", "clinician", role: "host", session: "S2", count: 1)
            .Leave(55, "pc", "patient-c", role: "visitor", session: "S2", count: 0).Ended(56, null)
            .Compute(120);

        Assert.Equal(
            [("S1", At(5), (long?)At(31), false, 2), ("S2", At(40), At(56), false, 2)],
            done.Sessions.Select(s => (s.RoomSessionId, s.StartedAt, s.EndedAt, s.EndInferred, s.TotalUniqueParticipants)));
        var (s1, s2) = (done.Sessions[0], done.Sessions[1]);
        Assert.Equal(26 * Minute, s1.People.Single(p => p.PersonId == "clinician").AttendedMs);
        Assert.Equal(15 * Minute, s2.People.Single(p => p.PersonId == "clinician").AttendedMs);
        Assert.Equal(2, s2.PeakParticipants);

        // Rule 7: her part in S1 runs from her join to S1's end, in S2 from S1's end to her leave.
        var clinician = done.Connections.Single(c => c.ParticipantId == "pa");
        Assert.Equal((At(0), (long?)At(55), false), (clinician.JoinedAt, clinician.LeftAt, clinician.LeftInferred));
        Assert.Equal([new SessionPart("S1", At(0), At(31)), new SessionPart("S2", At(31), At(55))], clinician.Sessions);
        Assert.Equal((31 + 25) * Minute, s1.TotalParticipantMs);
        Assert.Equal((24 + 15) * Minute, s2.TotalParticipantMs);
        Assert.Equal(31 + 25, s1.TotalParticipantMinutes);
    }

    [Fact]
    public void Alone_between_sessions_she_is_present_and_attends_nothing()
    {
        var between = RoomTimeline.Compute(Clinic().Events.Where(e => e.At <= At(35)), At(35), AttendanceSettings.Default).Presence;

        Assert.Equal(["pa"], between.Participants.Select(c => c.ParticipantId));
        Assert.Null(between.CurrentSession);
    }

    [Fact]
    public void A_lost_left_is_closed_by_the_next_count_and_the_stayer_who_came_first_is_kept()
    {
        // B's 'left' at 30 is lost; C's join counts 2: one of A and B is gone, and it is B (joined later).
        var room = new Timeline()
            .Join(0, "pa", "clinician", count: 1)
            .Join(5, "pb", "patient-b", session: "S1", count: 2)
            .Join(40, "pc", "patient-c", session: "S2", count: 2)
            .Compute(45);

        var b = room.Connections.Single(c => c.ParticipantId == "pb");
        Assert.Equal((At(40), true), (b.LeftAt, b.LeftInferred));
        Assert.Null(room.Connections.Single(c => c.ParticipantId == "pa").LeftAt);
        Assert.Equal(["pa", "pc"], room.Presence.Participants.Select(c => c.ParticipantId));
    }

    [Fact]
    public void Counts_by_role_close_the_role_they_show_too_many_of()
    {
        // The host joined last, but the visitor count is the one that is too high.
        var room = new Timeline()
            .Join(0, "v1", "visitor-1", role: "visitor", count: 1)
            .Join(5, "h", "host", role: "host", count: 2)
            .Join(10, "v2", "visitor-2", role: "visitor", count: 2, byRole: new() { ["host"] = 1, ["visitor"] = 1 })
            .Compute(20);

        Assert.Equal((At(10), true), (room.Connections.Single(c => c.ParticipantId == "v1").LeftAt, room.Connections.Single(c => c.ParticipantId == "v1").LeftInferred));
        Assert.Null(room.Connections.Single(c => c.ParticipantId == "h").LeftAt);
    }

    [Fact]
    public void A_session_ended_closes_all_but_one_and_a_real_left_later_replaces_the_inferred_one()
    {
        var t = new Timeline()
            .Join(0, "pa", "alice", session: "S1").Join(1, "pb", "bob", session: "S1").Started(1, "S1")
            .Ended(20, "S1");

        var room = t.Compute(60);
        Assert.Equal((At(20), true), (room.Connections.Single(c => c.ParticipantId == "pb").LeftAt, room.Connections.Single(c => c.ParticipantId == "pb").LeftInferred));
        Assert.Null(room.Connections.Single(c => c.ParticipantId == "pa").LeftAt);
        Assert.Equal((At(1), (long?)At(20), false), (room.Sessions[0].StartedAt, room.Sessions[0].EndedAt, room.Sessions[0].EndInferred));

        t.Leave(18, "pb", "bob", session: "S1");
        var corrected = t.Compute(60).Connections.Single(c => c.ParticipantId == "pb");
        Assert.Equal((At(18), false), (corrected.LeftAt, corrected.LeftInferred));
    }

    [Fact]
    public void A_count_higher_than_the_connections_known_keeps_the_session_and_presence_honest()
    {
        // B's 'joined' was lost: C's join counts 3, and when C leaves the count 2 shows B still there.
        var room = new Timeline()
            .Join(0, "pa", "alice", count: 1)
            .Join(10, "pc", "carol", count: 3)
            .Leave(20, "pc", "carol", count: 2)
            .Compute(30);

        var session = Assert.Single(room.Sessions);
        Assert.Equal((At(10), (long?)null), (session.StartedAt, session.EndedAt));
        Assert.Equal(2, room.Presence.NumClients);
        Assert.Equal(["pa"], room.Presence.Participants.Select(c => c.ParticipantId));

        // Without the counts, the session would have ended when carol left.
        var blind = new Timeline().Join(0, "pa", "alice").Join(10, "pc", "carol").Leave(20, "pc", "carol").Compute(30);
        Assert.Equal(At(20), Assert.Single(blind.Sessions).EndedAt);
    }

    [Fact]
    public void Counts_at_one_millisecond_in_either_order_close_nobody()
    {
        // A leave and a join at the same instant: Whereby's count may be taken between them.
        var room = new Timeline()
            .Join(0, "pa", "alice", count: 1).Join(1, "pb", "bob", count: 2)
            .Join(10, "pc", "carol", count: 3).Leave(10, "pb", "bob", count: 1)
            .Compute(20);

        Assert.Null(room.Connections.Single(c => c.ParticipantId == "pa").LeftAt);
        Assert.Null(room.Connections.Single(c => c.ParticipantId == "pc").LeftAt);
    }

    [Fact]
    public void A_room_silent_for_abandon_after_takes_what_is_open_as_lost_at_the_end_of_its_last_session()
    {
        var settings = AttendanceSettings.Default with { AbandonAfter = TimeSpan.FromHours(2) };
        var t = new Timeline()
            .Join(0, "pa", "alice", session: "S1").Join(0, "pb", "bob", session: "S1").Started(0, "S1")
            .Leave(30, "pb", "bob", session: "S1");

        var before = t.Compute(30 + 119, settings);
        Assert.Null(before.Connections.Single(c => c.ParticipantId == "pa").LeftAt);
        Assert.Equal(At(30) + 2 * 60 * Minute, before.NextChangeAt);

        var after = t.Compute(30 + 120, settings);
        var alice = after.Connections.Single(c => c.ParticipantId == "pa");
        Assert.Equal((At(30), true), (alice.LeftAt, alice.LeftInferred));
        Assert.Empty(after.Presence.Participants);
        Assert.Null(after.NextChangeAt);
    }

    [Fact]
    public void A_session_the_silence_closes_at_its_own_start_keeps_its_id_less_started_and_makes_no_second_one()
    {
        // The clinician stays; the second patient's session starts (id-less started at the join)
        // and then the room goes silent: both lefts lost. Abandoned, the patient closes at her own
        // join and the clinician at her last ended session, so S2 is left an instant long. Its
        // started is still its own: it once opened a phantom 'inferred-' session beside it
        // (found by the property tests, seed 620839770).
        var settings = AttendanceSettings.Default with { AbandonAfter = TimeSpan.FromHours(12) };
        var room = new Timeline()
            .Join(0, "host", "clinician", role: "host")
            .Join(10, "pa", "patient-a", session: "S1").Started(10, null).Leave(40, "pa", "patient-a", session: "S1").Ended(41, null)
            .Join(50, "pb", "patient-b", session: "S2").Started(50, null)
            .Compute(50 + 12 * 60, settings);

        Assert.Equal(["S1", "S2"], room.Sessions.Select(s => s.RoomSessionId));
        var s2 = room.Sessions[1];
        Assert.Equal((At(50), At(50), true), (s2.StartedAt, s2.EndedAt, s2.EndInferred));
    }

    [Fact]
    public void A_count_that_later_names_the_roles_of_an_unseen_connection_shows_it_by_role()
    {
        // A visitor's 'joined' never came. The first count shows one more than known (role
        // unknown); a later one, by role, says it is a visitor: presence counts it as one from then
        // on, though the unseen number did not change (found by the property tests, seed 1109597103).
        var room = new Timeline()
            .Join(0, "host", "teacher", role: "host", count: 1)
            .Join(1, "pa", "a", role: "visitor", count: 3)
            .Join(2, "pb", "b", role: "visitor", count: 4, byRole: new() { ["host"] = 1, ["visitor"] = 3 })
            .Compute(3);

        Assert.Equal(4, room.Presence.NumClients);
        Assert.Equal(3, room.Presence.NumClientsByRoleName["visitor"]);
    }

    [Fact]
    public void A_silence_overnight_does_not_come_back_when_the_next_day_begins()
    {
        var settings = AttendanceSettings.Default with { AbandonAfter = TimeSpan.FromHours(12) };
        // Monday: the teacher's tab is closed without a 'left'; Tuesday 14 hours later she joins again.
        var room = new Timeline()
            .Join(0, "t1", "teacher", session: "S1").Join(0, "s1", "student", session: "S1")
            .Leave(50, "s1", "student", session: "S1")
            .Join(50 + 14 * 60, "t2", "teacher", count: 1)
            .Compute(50 + 14 * 60 + 10, settings);

        var monday = room.Connections.Single(c => c.ParticipantId == "t1");
        Assert.Equal((At(50), true), (monday.LeftAt, monday.LeftInferred));
        Assert.Equal(["t2"], room.Presence.Participants.Select(c => c.ParticipantId));
    }

    [Fact]
    public void A_knock_nobody_answered_or_cancelled_stops_standing_after_abandon_after()
    {
        var settings = AttendanceSettings.Default with { AbandonAfter = TimeSpan.FromHours(1) };
        var t = new Timeline().Knock(0, "k1");

        Assert.Single(t.Compute(59, settings).Presence.Waiting);
        Assert.Empty(t.Compute(60, settings).Presence.Waiting);
    }

    [Fact]
    public void Machine_totals_count_recorders_and_streamers_apart_rounded_up_per_connection()
    {
        var room = new Timeline()
            .Started(0, "S1")
            .Join(0, "a", "alice", session: "S1").Join(0, "b", "bob", session: "S1")
            .Join(1, "rec", role: "recorder", session: "S1").Leave(3.5, "rec", role: "recorder", session: "S1")
            .Join(4, "rec2", role: "recorder", session: "S1").Leave(5, "rec2", role: "recorder", session: "S1")
            .Join(2, "live", role: "streamer", session: "S1").Leave(9.1, "live", role: "streamer", session: "S1")
            .Leave(10, "a", "alice", session: "S1").Leave(10, "b", "bob", session: "S1").Ended(11, "S1")
            .Compute(60);

        var s = Assert.Single(room.Sessions);
        Assert.Equal((3 + 1, 8, 2, 1), (s.TotalRecorderMinutes, s.TotalStreamerMinutes, s.TotalUniqueRecorders, s.TotalUniqueStreamers));
        Assert.Equal(20, s.TotalParticipantMinutes);
    }

    [Fact]
    public void An_idless_ended_after_a_named_ended_does_not_move_the_end()
    {
        var room = new Timeline()
            .Join(0, "a", "alice", session: "S1").Join(0, "b", "bob", session: "S1").Started(0, "S1")
            .Leave(10, "a", "alice", session: "S1").Leave(10, "b", "bob", session: "S1")
            .Ended(11, "S1").Ended(12, null)
            .Compute(60);

        Assert.Equal((At(11), false), (Assert.Single(room.Sessions).EndedAt, room.Sessions[0].EndInferred));
    }

    [Fact]
    public void Odd_event_sets_never_throw_and_give_unique_ordered_sessions()
    {
        var odd = new List<Timeline>
        {
            // Two id-less 'started' at one instant and an id-less 'ended' at it too.
            new Timeline().Started(0, null).Started(0, null).Ended(0, null),
            // An 'ended' before any 'started', then a meeting without session events.
            new Timeline().Ended(0, null).Join(1, "a", "alice").Join(1, "b", "bob").Leave(5, "a", "alice").Leave(5, "b", "bob"),
            // A named session whose id is what an inferred one would be called.
            new Timeline().Join(0, "a", "alice").Join(0, "b", "bob").Leave(5, "a", "alice").Leave(5, "b", "bob")
                .Join(10, "c", "carol", session: $"inferred-{At(0)}").Leave(11, "c", "carol", session: $"inferred-{At(0)}"),
            // Everything at one millisecond.
            new Timeline().Join(0, "a", "alice", count: 0).Leave(0, "a", "alice", count: 5).Started(0, "S").Ended(0, "S").Ended(0, null).Knock(0, "a").CancelKnock(0, "a"),
            // Counts that make no sense.
            new Timeline().Join(0, "a", "alice", count: -3, byRole: new() { ["member"] = int.MaxValue, ["host"] = int.MaxValue }).Join(0, "b", "bob", count: int.MaxValue),
        };
        foreach (var t in odd)
        {
            var room = t.Compute(600);
            Assert.Equal(room.Sessions.Count, room.Sessions.Select(s => s.RoomSessionId).Distinct().Count());
            Assert.All(room.Sessions, s => Assert.True(s.EndedAt is null || s.EndedAt >= s.StartedAt));
            Assert.All(room.Connections, c => Assert.All(c.Sessions, p => Assert.True(p.To is null || p.To >= p.From)));
            Assert.Equal(room.Sessions.OrderBy(s => s.StartedAt).ThenBy(s => s.RoomSessionId, StringComparer.Ordinal), room.Sessions);
        }
    }
}

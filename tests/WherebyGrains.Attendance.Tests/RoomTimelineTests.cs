using System.Security.Cryptography;
using System.Text;
using WherebyGrains.Attendance;
using static WherebyGrains.Attendance.Tests.Timeline;

namespace WherebyGrains.Attendance.Tests;

public sealed class RoomTimelineTests
{
    private const long Minute = 60_000;

    [Fact]
    public void Waiting_alone_before_the_session_does_not_count_but_shows_in_first_joined()
    {
        var room = new Timeline()
            .Join(0, "pa", "alice")
            .Join(5, "pb", "bob", session: "s1").Started(5, "s1")
            .Leave(50, "pa", "alice", session: "s1")
            .Leave(55, "pb", "bob", session: "s1").Ended(56, "s1")
            .Compute(120);

        var session = Assert.Single(room.Sessions);
        Assert.Equal(("s1", At(5), At(56), false), (session.RoomSessionId, session.StartedAt, session.EndedAt, session.EndInferred));
        var alice = session.People.Single(p => p.PersonId == "alice");
        Assert.Equal((At(0), At(50), 45 * Minute, 1), (alice.FirstJoinedAt, alice.LastLeftAt, alice.AttendedMs, alice.Connections));
        Assert.Equal(50 * Minute, session.People.Single(p => p.PersonId == "bob").AttendedMs);
        // Totals use raw connection durations: alice 50 min (waiting included), bob 50 min.
        Assert.Equal((100 * Minute, 100L, 2, 2), (session.TotalParticipantMs, session.TotalParticipantMinutes, session.TotalUniqueParticipants, session.PeakParticipants));
        Assert.All(room.Connections, c => Assert.Equal("s1", c.RoomSessionId));
    }

    [Fact]
    public void Two_tabs_at_once_never_count_twice_and_gaps_between_reconnects_never_count()
    {
        var room = new Timeline()
            .Started(0, "s1")
            .Join(0, "host", "teacher", session: "s1")
            .Join(0, "tab1", "ann", session: "s1").Leave(30, "tab1", "ann", session: "s1")
            .Join(10, "tab2", "ann", session: "s1").Leave(40, "tab2", "ann", session: "s1")
            .Join(50, "tab3", "ann", session: "s1").Leave(55, "tab3", "ann", session: "s1")
            .Leave(60, "host", "teacher", session: "s1").Ended(61, "s1")
            .Compute(120);

        var session = Assert.Single(room.Sessions);
        var ann = session.People.Single(p => p.PersonId == "ann");
        Assert.Equal((45 * Minute, 3), (ann.AttendedMs, ann.Connections));
        Assert.Equal(2, session.TotalUniqueParticipants);
        Assert.Equal(2, session.PeakParticipants);
        Assert.Equal((60 + 30 + 30 + 5) * Minute, session.TotalParticipantMs);
    }

    [Fact]
    public void Minutes_are_rounded_up_per_connection_then_summed()
    {
        var t = new Timeline().Started(0, "s1");
        t.Events.Add(new RoomEvent { Id = "j1", Kind = RoomEventKind.Joined, At = At(0), ParticipantId = "a", ExternalId = "a", RoomSessionId = "s1" });
        t.Events.Add(new RoomEvent { Id = "l1", Kind = RoomEventKind.Left, At = At(0) + 61_000, ParticipantId = "a", RoomSessionId = "s1" });
        t.Events.Add(new RoomEvent { Id = "j2", Kind = RoomEventKind.Joined, At = At(0), ParticipantId = "b", ExternalId = "b", RoomSessionId = "s1" });
        t.Events.Add(new RoomEvent { Id = "l2", Kind = RoomEventKind.Left, At = At(0) + 1_000, ParticipantId = "b", RoomSessionId = "s1" });
        t.Ended(5, "s1");

        var session = Assert.Single(t.Compute(60).Sessions);

        Assert.Equal(3, session.TotalParticipantMinutes);
        Assert.Equal(62_000, session.TotalParticipantMs);
    }

    [Fact]
    public void Machines_are_listed_but_never_counted_as_people()
    {
        var room = new Timeline()
            .Started(0, "s1")
            .Join(0, "a", "alice", session: "s1").Join(0, "b", "bob", session: "s1")
            .Join(1, "rec", role: "recorder", session: "s1").Leave(9, "rec", role: "recorder", session: "s1")
            .Join(2, "cap", role: "captioner", session: "s1").Leave(8, "cap", role: "captioner", session: "s1")
            .Leave(10, "a", "alice", session: "s1").Leave(10, "b", "bob", session: "s1").Ended(11, "s1")
            .Compute(60);

        var session = Assert.Single(room.Sessions);
        Assert.Equal(4, room.Connections.Count);
        Assert.Equal((2, 2, 20 * Minute), (session.TotalUniqueParticipants, session.PeakParticipants, session.TotalParticipantMs));
        Assert.DoesNotContain(session.People, p => p.PersonId is "rec" or "cap");
    }

    [Fact]
    public void Without_session_events_a_session_runs_from_two_people_until_it_stayed_below_two_for_the_grace()
    {
        var t = new Timeline()
            .Join(0, "a", "alice", session: "s1")
            .Join(3, "b", "bob", session: "s1")
            .Leave(20, "b", "bob", session: "s1")
            .Join(20.5, "b2", "bob", session: "s1") // back within the grace: same session, never ended
            .Leave(40, "b2", "bob", session: "s1")
            .Leave(45, "a", "alice", session: "s1");

        var during = t.Compute(40.5);
        var after = t.Compute(41);

        Assert.Null(Assert.Single(during.Sessions).EndedAt);
        Assert.Equal(At(41), during.NextChangeAt);
        var session = Assert.Single(after.Sessions);
        Assert.Equal((At(3), At(40), true), (session.StartedAt, session.EndedAt, session.EndInferred));
        Assert.Equal(37 * Minute, session.People.Single(p => p.PersonId == "alice").AttendedMs);
        Assert.Null(after.NextChangeAt);
    }

    [Fact]
    public void A_connection_without_left_stays_open_after_its_session_ends_until_its_real_left_arrives()
    {
        var t = new Timeline()
            .Join(0, "a", "alice", session: "s1").Join(0, "b", "bob", session: "s1")
            .Leave(30, "b", "bob", session: "s1");

        // Nothing shows alice gone: she is present, and the session ended when the room fell below 2.
        var inferred = t.Compute(60);
        var alice = inferred.Connections.Single(c => c.ParticipantId == "a");
        Assert.Equal((null, false), (alice.LeftAt, alice.LeftInferred));
        Assert.Equal((At(30), true), (inferred.Sessions[0].EndedAt, inferred.Sessions[0].EndInferred));
        Assert.Equal(["a"], inferred.Presence.Participants.Select(c => c.ParticipantId));

        // Whereby's own 'ended' arrives late: it replaces the inferred end; one person may remain, so alice stays.
        t.Ended(31, "s1");
        var explicitEnd = t.Compute(60);
        Assert.Equal((At(31), false), (explicitEnd.Sessions[0].EndedAt, explicitEnd.Sessions[0].EndInferred));
        Assert.Null(explicitEnd.Connections.Single(c => c.ParticipantId == "a").LeftAt);

        t.Leave(25, "a", "alice", session: "s1");
        var real = t.Compute(60).Connections.Single(c => c.ParticipantId == "a");
        Assert.Equal((At(25), false), (real.LeftAt, real.LeftInferred));
    }

    [Fact]
    public void A_late_join_that_shows_the_room_never_dropped_below_two_undoes_an_inferred_end()
    {
        var t = new Timeline()
            .Join(0, "a", "alice", session: "s1").Join(0, "b", "bob", session: "s1")
            .Leave(10, "b", "bob", session: "s1")
            .Leave(50, "a", "alice", session: "s1");
        Assert.Equal(At(10), t.Compute(60).Sessions[0].EndedAt);

        t.Join(10, "c", "carol", session: "s1").Leave(50, "c", "carol", session: "s1");
        var session = Assert.Single(t.Compute(60).Sessions);

        Assert.Equal((At(50), true), (session.EndedAt, session.EndInferred));
        Assert.Equal(3, session.TotalUniqueParticipants);
    }

    [Fact]
    public void Payloads_of_2022_without_ids_get_inferred_sessions_and_each_connection_stands_alone()
    {
        var t = new Timeline();
        foreach (var (pid, join, leave) in new[] { ("x", 0.0, 30.0), ("y", 5.0, 20.0), ("x", 100.0, 130.0), ("y", 100.0, 130.0) })
        {
            t.Events.Add(new RoomEvent { Id = $"j{pid}{join}", Kind = RoomEventKind.Joined, At = At(join), RoleName = "visitor", Metadata = pid });
            t.Events.Add(new RoomEvent { Id = $"l{pid}{join}", Kind = RoomEventKind.Left, At = At(leave), RoleName = "visitor", Metadata = pid });
        }

        var room = t.Compute(200);

        Assert.Equal(2, room.Sessions.Count);
        Assert.Equal((At(5), At(20)), (room.Sessions[0].StartedAt, room.Sessions[0].EndedAt));
        Assert.Equal($"inferred-{At(5)}", room.Sessions[0].RoomSessionId);
        Assert.Equal((At(100), At(130)), (room.Sessions[1].StartedAt, room.Sessions[1].EndedAt));
        Assert.Equal(4, room.Connections.Count);
        Assert.All(room.Connections, c => Assert.StartsWith("anon-", c.PersonId));
        Assert.Equal((30 + 15) * Minute, room.Sessions[0].TotalParticipantMs);
    }

    [Fact]
    public void Session_events_without_an_id_belong_to_the_live_session_and_a_stray_ended_ends_the_latest()
    {
        var t = new Timeline()
            .Join(0, "a", "alice").Join(2, "b", "bob").Started(1.5, null)
            .Leave(30, "b", "bob").Leave(31, "a", "alice")
            .Ended(33, null);

        var session = Assert.Single(t.Compute(60).Sessions);

        Assert.Equal((At(1.5), At(33), false), (session.StartedAt, session.EndedAt, session.EndInferred));
    }

    [Fact]
    public void A_late_event_hours_after_its_session_lands_in_it_and_corrects_its_numbers()
    {
        var t = new Timeline()
            .Started(0, "s1").Join(0, "a", "alice", session: "s1").Join(0, "b", "bob", session: "s1")
            .Leave(30, "a", "alice", session: "s1").Leave(30, "b", "bob", session: "s1").Ended(31, "s1")
            .Started(200, "s2").Join(200, "a2", "alice", session: "s2").Join(200, "b2", "bob", session: "s2");
        var before = t.Compute(300);

        t.Join(10, "c", "carol", session: "s1").Leave(20, "c", "carol", session: "s1");
        var after = t.Compute(300);

        Assert.Equal(2, before.Sessions[0].TotalUniqueParticipants);
        Assert.Equal(3, after.Sessions[0].TotalUniqueParticipants);
        Assert.Equivalent(before.Sessions[1], after.Sessions[1], strict: true);
    }

    [Fact]
    public void Presence_lists_open_connections_knocks_and_the_live_session()
    {
        var room = new Timeline()
            .Started(0, "s1").Join(0, "a", "alice", role: "host", session: "s1").Join(1, "b", "bob", session: "s1")
            .Join(2, "rec", role: "recorder", session: "s1")
            .Knock(3, "k1").Knock(4, "k2").CancelKnock(5, "k2").Knock(6, "k3").Join(7, "k3", "kim", session: "s1")
            .Leave(8, "b", "bob", session: "s1")
            .Compute(9);

        var presence = room.Presence;
        Assert.Equal(["a", "rec", "k3"], presence.Participants.Select(p => p.ParticipantId));
        Assert.Equal(new Dictionary<string, int> { ["host"] = 1, ["recorder"] = 1, ["member"] = 1 }, presence.NumClientsByRoleName);
        Assert.Equal(["k1"], presence.Waiting.Select(w => w.ParticipantId));
        Assert.Equal("s1", presence.CurrentSession?.RoomSessionId);
    }

    [Fact]
    public void Verified_metadata_names_the_person_and_forged_metadata_never_does()
    {
        var key = "meta-key"u8.ToArray();
        var settings = AttendanceSettings.Default with { Metadata = new SignedMetadata([key], TimeSpan.FromDays(30), TimeSpan.FromMinutes(5)) };
        var signedAt = (At(0) / 1000) - 3600;
        string Sign(string value) => $"{value},{signedAt},{Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{value},{signedAt}")))}";

        var room = new Timeline()
            .Started(0, "s1")
            .Join(0, "p1", metadata: Sign("patient,42"), session: "s1")
            .Join(0, "p2", metadata: Sign("patient,42").Replace("42,", "43,"), session: "s1")
            .Join(0, "p3", metadata: "unsigned", session: "s1")
            .Compute(10, settings);

        var byId = room.Connections.ToDictionary(c => c.ParticipantId);
        Assert.Equal(("patient,42", true, "patient,42"), (byId["p1"].Metadata, byId["p1"].MetadataVerified, byId["p1"].PersonId));
        Assert.Equal((false, "p2"), (byId["p2"].MetadataVerified, byId["p2"].PersonId));
        Assert.Equal(("unsigned", false, "p3"), (byId["p3"].Metadata, byId["p3"].MetadataVerified, byId["p3"].PersonId));
        Assert.Null(new Timeline().Join(0, "p4", metadata: "x").Compute(1).Connections[0].MetadataVerified);
    }

    [Fact]
    public void A_remembered_metadata_check_answers_only_for_its_own_event_time()
    {
        // Rooms check the same metadata at every computation, so answers are remembered: an
        // answer for one event time must never stand for another (the age depends on it).
        var key = "meta-key"u8.ToArray();
        var metadata = new SignedMetadata([key], TimeSpan.FromHours(1), TimeSpan.FromMinutes(5));
        const long signedAt = 1_800_000_000;
        var signed = $"patient,42,{signedAt},{Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"patient,42,{signedAt}")))}";
        var within = (signedAt * 1000) + (long)TimeSpan.FromMinutes(30).TotalMilliseconds;
        var beyond = (signedAt * 1000) + (long)TimeSpan.FromHours(2).TotalMilliseconds;

        for (var round = 0; round < 2; round++)
        {
            Assert.Equal(new MetadataCheck("patient,42", true, "patient,42"), metadata.Check(signed, within));
            Assert.Equal(new MetadataCheck(signed, false, null), metadata.Check(signed, beyond));
            Assert.Equal(new MetadataCheck(signed + "0", false, null), metadata.Check(signed + "0", within));
        }
        // Past what it remembers, it forgets and checks again, with the same answers.
        for (var i = 0; i < 5_000; i++)
        {
            metadata.Check($"other,{signedAt},{i}", within);
        }
        Assert.Equal(new MetadataCheck("patient,42", true, "patient,42"), metadata.Check(signed, within));
    }

    [Fact]
    public void A_left_whose_join_has_not_arrived_waits_for_it()
    {
        var t = new Timeline().Leave(10, "a", "alice", session: "s1");
        Assert.Empty(t.Compute(60).Connections);

        t.Join(0, "a", "alice", session: "s1");
        var connection = Assert.Single(t.Compute(60).Connections);
        Assert.Equal((At(0), At(10)), (connection.JoinedAt, connection.LeftAt));
    }
}

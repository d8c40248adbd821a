using WherebyGrains.Attendance;

namespace WherebyGrains.Attendance.Tests;

/// <summary>The waiting room's numbers: a connection's knock and wait, a session's knocks and median wait (api.md).</summary>
public sealed class WaitingRoomTests
{
    [Fact]
    public void A_clinics_afternoon_knocks_waits_cancellations_and_knockers_never_admitted()
    {
        var t = new Timeline()
            .Join(0, "dr", "doctor", role: "host", session: "s1").Started(0, "s1")
            // Knocks, is admitted after 4 minutes.
            .Knock(1, "p1").Join(5, "p1", "pat-1", role: "visitor", session: "s1")
            // Knocks, cancels, knocks again: the wait runs from the first knock.
            .Knock(6, "p2").CancelKnock(7, "p2").Knock(8, "p2").Join(16, "p2", "pat-2", role: "visitor", session: "s1")
            // Knocks and gives up: a knock of the session, no wait.
            .Knock(20, "p3").CancelKnock(25, "p3")
            // Never admitted, never cancelled.
            .Knock(26, "p4")
            // Came in by the link, no knock.
            .Join(30, "p5", "pat-5", role: "visitor", session: "s1")
            .Leave(40, "p1", "pat-1", role: "visitor", session: "s1").Leave(40, "p2", "pat-2", role: "visitor", session: "s1")
            .Leave(40, "p5", "pat-5", role: "visitor", session: "s1").Leave(45, "dr", "doctor", role: "host", session: "s1").Ended(45, "s1");

        var result = t.Compute(60);

        var knockedAt = result.Connections.ToDictionary(c => c.ParticipantId, c => c.KnockedAt);
        Assert.Equal(Timeline.At(1), knockedAt["p1"]);
        Assert.Equal(Timeline.At(6), knockedAt["p2"]);
        Assert.Null(knockedAt["p5"]);
        Assert.Null(knockedAt["dr"]);
        var session = Assert.Single(result.Sessions);
        // p1, p2 twice, p3 and p4: five knocks; waits of 4 and 10 minutes, median their mean.
        Assert.Equal((5, 7 * 60_000.0), session.Waiting);
    }

    [Fact]
    public void An_odd_number_of_waits_has_the_middle_one_as_median_and_a_session_without_knocks_none()
    {
        var t = new Timeline()
            .Knock(0, "a").Join(1, "a", "ann", session: "s1").Started(1, "s1")
            .Knock(2, "b").Join(5, "b", "ben", session: "s1")
            .Knock(3, "c").Join(13, "c", "cat", session: "s1")
            .Leave(20, "a", "ann", session: "s1").Leave(20, "b", "ben", session: "s1").Leave(20, "c", "cat", session: "s1").Ended(20, "s1")
            .Join(30, "d", "dan", session: "s2").Started(30, "s2").Join(30, "e", "eve", session: "s2")
            .Leave(40, "d", "dan", session: "s2").Leave(40, "e", "eve", session: "s2").Ended(40, "s2");

        var result = t.Compute(60);

        var bySession = result.Sessions.ToDictionary(s => s.RoomSessionId, s => s.Waiting);
        // Waits of 1, 3 and 10 minutes: the knock before the session started counts for the session it joined.
        Assert.Equal((3, 3 * 60_000.0), bySession["s1"]);
        Assert.Equal((0, (double?)null), bySession["s2"]);
    }

    [Fact]
    public void A_knock_between_sessions_never_admitted_belongs_to_no_session_and_a_knock_after_a_join_is_no_wait()
    {
        var t = new Timeline()
            .Join(0, "a", "ann", session: "s1").Started(0, "s1").Join(0, "b", "ben", session: "s1")
            .Leave(10, "a", "ann", session: "s1").Leave(10, "b", "ben", session: "s1").Ended(10, "s1")
            .Knock(15, "x")
            .Join(20, "c", "cat", session: "s2").Started(20, "s2").Join(20, "d", "dan", session: "s2")
            .Knock(25, "c")
            .Leave(30, "c", "cat", session: "s2").Leave(30, "d", "dan", session: "s2").Ended(30, "s2");

        var result = t.Compute(60);

        Assert.Null(result.Connections.Single(c => c.ParticipantId == "c").KnockedAt);
        var bySession = result.Sessions.ToDictionary(s => s.RoomSessionId, s => s.Waiting);
        Assert.Equal((0, (double?)null), bySession["s1"]);
        // Cat's knock after she joined is hers (counted), but no wait.
        Assert.Equal((1, (double?)null), bySession["s2"]);
    }

    [Fact]
    public void A_knock_never_admitted_that_names_its_session_is_that_sessions_whenever_it_came()
    {
        var t = new Timeline()
            .Join(0, "a", "ann", session: "s1").Started(0, "s1").Join(0, "b", "ben", session: "s1")
            .Leave(10, "a", "ann", session: "s1").Leave(10, "b", "ben", session: "s1").Ended(10, "s1")
            // Whereby tagged it with s1, delivered with a clock a little behind: after s1's end.
            .Knock(10.5, "x", session: "s1")
            .Join(20, "c", "cat", session: "s2").Started(20, "s2").Join(20, "d", "dan", session: "s2")
            .Leave(30, "c", "cat", session: "s2").Leave(30, "d", "dan", session: "s2").Ended(30, "s2");

        var bySession = t.Compute(60).Sessions.ToDictionary(s => s.RoomSessionId, s => s.Waiting.Knocks);

        Assert.Equal((1, 0), (bySession["s1"], bySession["s2"]));
    }

    [Fact]
    public void A_knock_without_a_participant_id_counts_in_the_session_live_when_it_came_and_gives_no_wait()
    {
        var t = new Timeline()
            .Join(0, "a", "ann", session: "s1").Started(0, "s1").Join(0, "b", "ben", session: "s1")
            .Join(6, "c", "cat", session: "s1")
            .Leave(10, "a", "ann", session: "s1").Leave(10, "b", "ben", session: "s1").Leave(10, "c", "cat", session: "s1").Ended(10, "s1");
        // A 2022 payload: no participantId.
        t.Events.Add(new RoomEvent { Id = "legacy-knock", Kind = RoomEventKind.Knocked, At = Timeline.At(5) });

        var result = t.Compute(60);

        Assert.Equal((1, (double?)null), Assert.Single(result.Sessions).Waiting);
        Assert.All(result.Connections, c => Assert.Null(c.KnockedAt));
    }
}

using WherebyGrains.Attendance;
using static WherebyGrains.Attendance.Tests.Timeline;

namespace WherebyGrains.Attendance.Tests;

public sealed class RoomArchiveTests
{
    private static List<ArchiveStretch> Plan(Timeline t, double nowMinute, double archiveBeforeMinute, long after = long.MinValue) =>
        RoomArchive.Plan(t.Events, t.Compute(nowMinute), At(archiveBeforeMinute), after);

    [Fact]
    public void Sessions_a_stayer_shared_leave_together_with_everything_between_them()
    {
        var t = new Timeline()
            .Join(0, "pa", "clinician")
            .Join(5, "pb", "b", session: "S1").Leave(30, "pb", "b", session: "S1").Ended(31, "S1")
            .Knock(35, "pc")
            .Join(40, "pc", "c", session: "S2").Leave(55, "pc", "c", session: "S2")
            .Leave(60, "pa", "clinician", session: "S2").Ended(61, "S2")
            // A solo visit later, then the next day's session: the visit goes with the next stretch.
            .Join(200, "pd", "d").Leave(210, "pd", "d")
            .Join(300, "pe", "e", session: "S3").Join(300, "pf", "f", session: "S3").Leave(320, "pe", "e", session: "S3").Leave(320, "pf", "f", session: "S3");

        var stretch = Assert.Single(Plan(t, 1000, 100));
        Assert.Equal(["S1", "S2"], stretch.RoomSessionIds);
        Assert.Equal(At(61), stretch.Until);
        Assert.Equal(t.Events.Where(e => e.At <= At(61)).Select(e => e.Id).Order(), stretch.EventIds.Order());

        var both = Plan(t, 1000, 1000);
        Assert.Equal([["S1", "S2"], ["S3"]], both.Select(s => s.RoomSessionIds));
        Assert.Equal(At(61), both[1].After);
        Assert.Contains(t.Events.Single(e => e.ParticipantId == "pd" && e.Kind == RoomEventKind.Joined).Id, both[1].EventIds);
    }

    [Fact]
    public void Nothing_open_is_archived_a_stayer_still_there_holds_her_day_back()
    {
        var t = new Timeline()
            .Join(0, "pa", "clinician")
            .Join(5, "pb", "b", session: "S1").Leave(30, "pb", "b", session: "S1").Ended(31, "S1");

        Assert.Empty(Plan(t, 200, 200));
        // Until the room's silence (12 h) takes her as lost: then her day goes.
        Assert.Single(Plan(t, 31 + 12 * 60, 31 + 12 * 60));
    }

    [Fact]
    public void The_next_stretch_ends_when_what_holds_it_closes_and_not_before()
    {
        var held = new Timeline()
            .Join(0, "pa", "clinician")
            .Join(5, "pb", "b", session: "S1").Leave(30, "pb", "b", session: "S1").Ended(31, "S1");
        // While she is there, no end is known: the room waits for her left (or her abandoning).
        Assert.Null(RoomArchive.NextStretchEnd(held.Compute(200), long.MinValue));

        held.Leave(90, "pa", "clinician");
        Assert.Equal(At(90), RoomArchive.NextStretchEnd(held.Compute(200), long.MinValue));
        // Past what was archived, the next one; none once all of it is.
        held.Join(100, "pc", "c", session: "S2").Join(100, "pd", "d", session: "S2").Leave(120, "pc", "c", session: "S2").Leave(120, "pd", "d", session: "S2");
        Assert.Equal(At(120), RoomArchive.NextStretchEnd(held.Compute(300), At(90)));
        Assert.Null(RoomArchive.NextStretchEnd(held.Compute(300), At(120)));
        // A solo visit alone makes no stretch.
        held.Join(150, "pe", "e").Leave(160, "pe", "e");
        Assert.Null(RoomArchive.NextStretchEnd(held.Compute(300), At(120)));
    }

    [Fact]
    public void A_standing_knock_holds_its_stretch_back_until_it_is_answered_or_expires()
    {
        var t = new Timeline()
            .Join(5, "pa", "a", session: "S1").Join(5, "pb", "b", session: "S1").Leave(30, "pa", "a", session: "S1").Leave(30, "pb", "b", session: "S1").Ended(31, "S1")
            .Knock(10, "kx");

        Assert.Empty(Plan(t, 100, 100));
        // Once the knock is abandoned (12 h), it stands no more.
        Assert.Single(Plan(t, 13 * 60, 13 * 60));
    }

    [Fact]
    public void What_was_archived_before_is_not_planned_again_and_stretches_route_late_events()
    {
        var t = new Timeline()
            .Join(5, "pa", "a", session: "S1").Join(5, "pb", "b", session: "S1").Leave(30, "pa", "a", session: "S1").Leave(30, "pb", "b", session: "S1");
        var first = Assert.Single(Plan(t, 100, 100));

        Assert.Empty(Plan(t, 100, 100, after: first.Until));
        Assert.True(first.Takes(At(20), null));
        Assert.True(first.Takes(At(500), "S1"));
        Assert.False(first.Takes(At(31), null));
        Assert.False(first.Takes(At(20), "S9"));
    }
}

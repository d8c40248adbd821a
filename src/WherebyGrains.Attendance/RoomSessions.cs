namespace WherebyGrains.Attendance;

/// <summary>A session's window as rule 5 finds it, before its totals.</summary>
internal sealed class SessionWindow(string id, long start, long? end, bool endInferred, bool startExplicit, bool endExplicit)
{
    public string Id { get; set; } = id;
    public long Start { get; set; } = start;
    public long? End { get; set; } = end;
    public bool EndInferred { get; set; } = endInferred;
    public bool StartExplicit { get; set; } = startExplicit;

    /// <summary>Ended by a <c>room.session.ended</c> of its own (named, or an id-less one already taken).</summary>
    public bool EndExplicit { get; set; } = endExplicit;

    public Interval Span => new(Start, End ?? RoomTimeline.Forever);
}

/// <summary>
/// Rule 5: sessions from the room's occupancy (its people connections as rule 3's evidence
/// closed them, and its unseen people), Whereby's session ids and its session events. Never
/// throws: odd sets (several <c>started</c> at one instant, an <c>ended</c> before any
/// <c>started</c>, a named id that looks inferred) give windows that are ordered, unique and
/// never negative.
/// </summary>
internal static class RoomSessions
{
    /// <summary>A stretch of 2 or more people, ended once it stayed below 2 for the grace (or at an <c>ended</c>).</summary>
    private sealed record Run(long Start, long? End);

    public static List<SessionWindow> Build(List<RoomEvent> ordered, List<RawConnection> raw, Evidence evidence, long now, long grace, ref long? nextChangeAt)
    {
        var endedAt = ordered.Where(e => e.Kind == RoomEventKind.SessionEnded).Select(e => e.At).ToList();
        var runs = FindRuns(raw, evidence, endedAt, now, grace, ref nextChangeAt);
        var sessions = new List<SessionWindow>();
        var taken = new HashSet<string>(StringComparer.Ordinal);

        // Named sessions: every roomSessionId any event carries, with the runs its events fall in.
        var claims = ClaimRuns(ordered, runs, grace);
        var named = ordered.Select(e => e.RoomSessionId).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var id in named)
        {
            taken.Add(id);
            var own = claims.Where(c => c.Id == id).OrderBy(c => c.Start).ToList();
            long? started = null, ended = null, firstNamed = null;
            foreach (var e in ordered)
            {
                if (e.RoomSessionId != id)
                {
                    continue;
                }
                firstNamed ??= e.At;
                if (e.Kind == RoomEventKind.SessionStarted)
                {
                    started ??= e.At;
                }
                else if (e.Kind == RoomEventKind.SessionEnded)
                {
                    ended = e.At;
                }
            }
            var start = started ?? (own.Count > 0 ? own[0].Start : firstNamed!.Value);
            var window = new SessionWindow(id, start, null, false, started is not null, ended is not null);
            if (ended is not null)
            {
                window.End = ended;
            }
            else if (own.Count > 0)
            {
                (window.End, window.EndInferred) = (own[^1].End, own[^1].End is not null);
            }
            else
            {
                EndWithoutRuns(window, raw, evidence, now, grace, ref nextChangeAt);
            }
            sessions.Add(window);
        }

        // Unnamed sessions: runs no named session took, and that do not fall inside one.
        foreach (var run in runs)
        {
            var span = new Interval(run.Start, run.End ?? RoomTimeline.Forever);
            if (!claims.Any(c => c.Run == run) && !sessions.Any(s => s.Span.Overlaps(span)))
            {
                sessions.Add(new SessionWindow(UniqueId(run.Start, taken), run.Start, run.End, run.End is not null, false, false));
            }
        }

        ApplyIdlessEvents(ordered, sessions, grace, taken);

        foreach (var s in sessions)
        {
            // A silent room has nobody left in it: what is still live ends at its last event.
            if (s.End is null && evidence.SilentNow && evidence.LastEventAt is { } last)
            {
                (s.End, s.EndInferred) = (last, true);
            }
            if (s.End is { } end && end < s.Start)
            {
                s.End = s.Start;
            }
            s.EndInferred &= s.End is not null && !s.EndExplicit;
        }
        sessions.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Id, b.Id));
        return sessions;
    }

    /// <summary>
    /// Runs from the occupancy step function. A dip below 2 ends a run at the dip's start once it
    /// has lasted the grace, or at once when a <c>room.session.ended</c> falls inside it.
    /// </summary>
    private static List<Run> FindRuns(List<RawConnection> raw, Evidence evidence, List<long> endedAt, long now, long grace, ref long? nextChangeAt)
    {
        var edges = new List<(long At, long Delta)>();
        foreach (var c in raw)
        {
            var end = evidence.EndOf(c);
            if (c.IsPerson && end > c.JoinedAt)
            {
                edges.Add((c.JoinedAt, 1));
                edges.Add((end, -1));
            }
        }
        for (var i = 0; i < evidence.Unseen.Count; i++)
        {
            var step = evidence.Unseen[i];
            if (step.People > 0)
            {
                edges.Add((step.At, step.People));
                edges.Add((i + 1 < evidence.Unseen.Count ? evidence.Unseen[i + 1].At : RoomTimeline.Forever, -step.People));
            }
        }
        var steps = Intervals.Steps(edges);

        var runs = new List<Run>();
        long? start = null, dropAt = null;
        for (var k = 0; k < steps.Count; k++)
        {
            var (at, count) = steps[k];
            if (count >= 2)
            {
                start ??= at;
                dropAt = null;
                continue;
            }
            if (start is null || dropAt is not null)
            {
                continue;
            }
            dropAt = at;
            var rise = RoomTimeline.Forever;
            for (var j = k + 1; j < steps.Count; j++)
            {
                if (steps[j].Count >= 2)
                {
                    rise = steps[j].At;
                    break;
                }
            }
            var endedInDip = endedAt.Any(e => e >= at && e < rise);
            if (!endedInDip && rise - at < grace)
            {
                continue;
            }
            if (!endedInDip && at + grace > now && !evidence.SilentNow)
            {
                // Below 2 now, but not yet for the grace: live until then.
                nextChangeAt = Min(nextChangeAt, at + grace);
                runs.Add(new Run(start.Value, null));
                return runs;
            }
            runs.Add(new Run(start.Value, at));
            start = null;
        }
        if (start is not null)
        {
            runs.Add(new Run(start.Value, null));
        }
        return runs;
    }

    private sealed record Claim(string Id, Run Run, long Start, long? End);

    /// <summary>
    /// Which named sessions take which runs: a run is its session's when an event naming the
    /// session falls within it. A run named by several (Whereby's heuristic ended one sooner
    /// than our grace) is shared out in the order their names first appear in it.
    /// </summary>
    private static List<Claim> ClaimRuns(List<RoomEvent> ordered, List<Run> runs, long grace)
    {
        var claims = new List<Claim>();
        foreach (var run in runs)
        {
            var end = run.End ?? RoomTimeline.Forever;
            var firstSeen = new List<(string Id, long At)>();
            foreach (var e in ordered)
            {
                if (e.RoomSessionId is not { } id)
                {
                    continue;
                }
                var within = e.Kind switch
                {
                    RoomEventKind.SessionStarted => e.At >= run.Start - grace && e.At <= end,
                    RoomEventKind.SessionEnded => e.At >= run.Start && e.At <= end + grace,
                    RoomEventKind.Joined or RoomEventKind.Left => e.At >= run.Start && e.At <= end,
                    _ => false,
                };
                if (within && !firstSeen.Any(f => f.Id == id))
                {
                    firstSeen.Add((id, Math.Clamp(e.At, run.Start, end)));
                }
            }
            firstSeen.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.Id, b.Id));
            for (var i = 0; i < firstSeen.Count; i++)
            {
                var from = i == 0 ? run.Start : firstSeen[i].At;
                var to = i + 1 < firstSeen.Count ? firstSeen[i + 1].At : run.End;
                claims.Add(new Claim(firstSeen[i].Id, run, from, to));
            }
        }
        return claims;
    }

    /// <summary>
    /// A named session that never held 2 people (one person and a recorder) ends when all of its
    /// connections have closed and stayed closed for the grace.
    /// </summary>
    private static void EndWithoutRuns(SessionWindow window, List<RawConnection> raw, Evidence evidence, long now, long grace, ref long? nextChangeAt)
    {
        long? lastEnd = null;
        var any = false;
        foreach (var c in raw)
        {
            if (!c.Tags.Contains(window.Id))
            {
                continue;
            }
            any = true;
            var end = evidence.EndOf(c);
            if (end >= RoomTimeline.Forever)
            {
                return;
            }
            lastEnd = Math.Max(lastEnd ?? end, end);
        }
        if (!any || lastEnd is not { } last)
        {
            return;
        }
        if (last + grace <= now || evidence.SilentNow)
        {
            (window.End, window.EndInferred) = (last, true);
        }
        else
        {
            nextChangeAt = Min(nextChangeAt, last + grace);
        }
    }

    /// <summary>
    /// Session events without an id belong to the session live at their instant: a
    /// <c>started</c> sets its start (or opens one when none is near); an <c>ended</c> ends the
    /// session live then, else the latest before it, unless that one has an <c>ended</c> of its own.
    /// </summary>
    private static void ApplyIdlessEvents(List<RoomEvent> ordered, List<SessionWindow> sessions, long grace, HashSet<string> taken)
    {
        foreach (var e in ordered)
        {
            if (e.RoomSessionId is not null)
            {
                continue;
            }
            if (e.Kind == RoomEventKind.SessionStarted)
            {
                // A session an instant long (its people closed where it began) is live at that instant.
                var live = sessions.Where(s => s.Start - grace <= e.At && (e.At < (s.End ?? RoomTimeline.Forever) || e.At == s.Start)).MinBy(s => s.Start);
                if (live is null)
                {
                    long? nextEnd = null;
                    foreach (var x in ordered)
                    {
                        if (x.Kind == RoomEventKind.SessionEnded && x.RoomSessionId is null && x.At >= e.At)
                        {
                            nextEnd = x.At;
                            break;
                        }
                    }
                    sessions.Add(new SessionWindow(UniqueId(e.At, taken), e.At, nextEnd, false, true, nextEnd is not null));
                }
                else if (!live.StartExplicit)
                {
                    (live.Start, live.StartExplicit) = (Math.Min(e.At, live.End ?? e.At), true);
                }
            }
            else if (e.Kind == RoomEventKind.SessionEnded)
            {
                var target = sessions.Where(s => s.Start <= e.At && e.At <= (s.End ?? RoomTimeline.Forever)).MinBy(s => s.Start)
                    ?? sessions.Where(s => s.Start <= e.At).MaxBy(s => s.Start);
                if (target is not null && !target.EndExplicit)
                {
                    (target.End, target.EndInferred, target.EndExplicit) = (e.At, false, true);
                }
            }
        }
    }

    /// <summary><c>inferred-&lt;start ms&gt;</c>, with <c>-2</c>, <c>-3</c>... when that is taken.</summary>
    private static string UniqueId(long start, HashSet<string> taken)
    {
        var id = $"inferred-{start}";
        for (var n = 2; !taken.Add(id); n++)
        {
            id = $"inferred-{start}-{n}";
        }
        return id;
    }

    private static long? Min(long? a, long b) => a is { } x ? Math.Min(x, b) : b;
}

namespace WherebyGrains.Attendance;

/// <summary>
/// The attendance rules of api.md as one pure function: a room's events, as a set, and an
/// instant give its connections, sessions, totals and presence. Because the result depends on
/// the set alone (deduplicated by id, taken in a canonical order), any delivery order and any
/// number of redeliveries give the same answer: rules 1 and 2 hold by construction.
/// See docs/attendance-rules.md for the choices made where api.md is silent.
/// </summary>
public static class RoomTimeline
{
    /// <summary>"No end yet" for an open span.</summary>
    public const long Forever = long.MaxValue / 4;

    private const long MinuteMs = 60_000;

    /// <summary>Applies the rules to <paramref name="events"/> as of <paramref name="now"/> (Unix ms).</summary>
    public static RoomAttendance Compute(IEnumerable<RoomEvent> events, long now, AttendanceSettings settings)
    {
        var grace = (long)settings.EndGrace.TotalMilliseconds;
        var ordered = Canonical(events);
        var raw = RoomConnections.Build(ordered, settings);
        var sessionEvents = ordered.Where(e => e.Kind is RoomEventKind.SessionStarted or RoomEventKind.SessionEnded).ToList();

        // Keyed by the connection itself: hashing a record would hash all of its fields.
        var closedByRun = new Dictionary<RawConnection, long>(ReferenceEqualityComparer.Instance);
        var runs = FindRuns(raw, sessionEvents, now, grace, closedByRun, out var nextChangeAt);

        // Where a connection is known to end: its 'left', else where a run's end closed it.
        long EndOf(RawConnection c) => c.LeftAt ?? closedByRun.GetValueOrDefault(c, Forever);
        var sessions = BuildSessions(raw, runs, sessionEvents, now, grace, EndOf, ref nextChangeAt);
        var connections = AssignAndClose(raw, sessions);
        var byPerson = connections.Where(c => c.IsPerson).ToLookup(c => c.PersonId, StringComparer.Ordinal);
        var bySession = connections.Where(c => c.IsPerson && c.RoomSessionId is not null).ToLookup(c => c.RoomSessionId!, StringComparer.Ordinal);
        var totalled = sessions.Select(s => Total(s, bySession[s.Id].ToList(), byPerson, now)).ToList();

        return new RoomAttendance
        {
            Sessions = totalled,
            Connections = connections,
            Presence = BuildPresence(ordered, connections, totalled),
            NextChangeAt = nextChangeAt,
        };
    }

    /// <summary>One event per id, in time order, ties broken by id: the same list for any delivery.</summary>
    private static List<RoomEvent> Canonical(IEnumerable<RoomEvent> events)
    {
        var ordered = events.TryGetNonEnumeratedCount(out var count) ? new List<RoomEvent>(count) : [];
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (seen.Add(e.Id))
            {
                ordered.Add(e);
            }
        }
        ordered.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.Id, b.Id));
        return ordered;
    }

    /// <summary>
    /// A run is a stretch during which the room holds 2 or more people connections: it starts at
    /// the first instant it does, and ends at the instant it dropped below 2 once it has stayed
    /// below 2 for the grace period, or at a <c>room.session.ended</c> that falls inside it. When
    /// a run ends, the connections still open in it (their <c>left</c> was lost) are closed there,
    /// so that they do not keep later runs alive.
    /// </summary>
    private static List<Run> FindRuns(List<RawConnection> raw, List<RoomEvent> sessionEvents, long now, long grace, Dictionary<RawConnection, long> truncated, out long? nextChangeAt)
    {
        nextChangeAt = null;
        var runs = new List<Run>();
        var people = raw.Where(c => c.IsPerson).ToList();
        var endedEvents = sessionEvents.Where(e => e.Kind == RoomEventKind.SessionEnded).ToList();
        var searchFrom = long.MinValue;

        long EndOf(RawConnection c) => truncated.TryGetValue(c, out var t) ? t : c.LeftAt ?? Forever;

        while (true)
        {
            // Connections that ended before the search point change no count from there on.
            people.RemoveAll(c => EndOf(c) < searchFrom);
            var steps = Intervals.Occupancy(people.Select(c => new Interval(c.JoinedAt, EndOf(c))));
            var startIndex = steps.FindIndex(s => s.At >= searchFrom && s.Count >= 2);
            if (startIndex < 0)
            {
                return runs;
            }
            var start = steps[startIndex].At;

            // The inferred end: the first drop below 2 that lasts the grace period.
            long? inferredEnd = null;
            for (var i = startIndex + 1; i < steps.Count; i++)
            {
                if (steps[i].Count >= 2 || (i > startIndex + 1 && steps[i - 1].Count < 2))
                {
                    continue;
                }
                var drop = steps[i].At;
                var staysBelowUntil = Forever;
                for (var j = i + 1; j < steps.Count; j++)
                {
                    if (steps[j].Count >= 2)
                    {
                        staysBelowUntil = steps[j].At;
                        break;
                    }
                }
                if (staysBelowUntil - drop >= grace)
                {
                    inferredEnd = drop;
                    break;
                }
            }

            // A Whereby 'ended' inside the run ends it there (it may be all that ends a run kept
            // open by lost 'left' events). A named one only ends a run its session took part in.
            var explicitEnd = endedEvents
                .Where(e => e.At > start && (inferredEnd is null || e.At < inferredEnd))
                .Where(e => e.RoomSessionId is null || raw.Any(c => c.Tag == e.RoomSessionId && c.JoinedAt <= e.At && (c.LeftAt ?? truncated.GetValueOrDefault(c, Forever)) > start))
                .Select(e => (long?)e.At)
                .FirstOrDefault();

            long? end = explicitEnd ?? inferredEnd;
            if (explicitEnd is null && inferredEnd is { } drop2 && drop2 + grace > now)
            {
                // Below 2 now, but not yet for the grace period: live until then.
                nextChangeAt = drop2 + grace;
                end = null;
            }

            runs.Add(new Run(start, end, end is not null && explicitEnd is null));
            if (end is not { } runEnd)
            {
                return runs;
            }
            foreach (var c in people)
            {
                if (c.LeftAt is null && c.JoinedAt <= runEnd && !truncated.ContainsKey(c))
                {
                    truncated[c] = runEnd;
                }
            }
            searchFrom = runEnd + 1;
            if (steps.All(s => s.At <= runEnd))
            {
                return runs;
            }
        }
    }

    private static List<SessionWindow> BuildSessions(
        List<RawConnection> raw, List<Run> runs, List<RoomEvent> sessionEvents, long now, long grace, Func<RawConnection, long> endOf, ref long? nextChangeAt)
    {
        var sessions = new List<SessionWindow>();
        var claimed = new HashSet<Run>();

        // Named sessions: every roomSessionId any event carries.
        var named = raw.Select(c => c.Tag).Concat(sessionEvents.Select(e => e.RoomSessionId))
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var byTag = raw.Where(c => c.Tag is not null).ToLookup(c => c.Tag!, StringComparer.Ordinal);
        foreach (var id in named)
        {
            var tagged = byTag[id].ToList();
            var started = sessionEvents.Where(e => e.Kind == RoomEventKind.SessionStarted && e.RoomSessionId == id).Select(e => (long?)e.At).Min();
            var ended = sessionEvents.Where(e => e.Kind == RoomEventKind.SessionEnded && e.RoomSessionId == id).Select(e => (long?)e.At).Max();
            // Whereby's id spans every run its people took part in, even across a dip below 2.
            var own = runs.Where(r => tagged.Any(c => c.IsPerson && new Interval(c.JoinedAt, endOf(c)).Overlaps(new Interval(r.Start, r.End ?? Forever)))).ToList();
            claimed.UnionWith(own);

            var start = started ?? own.FirstOrDefault()?.Start ?? tagged.Select(c => (long?)c.JoinedAt).Min() ?? ended ?? now;
            long? end;
            bool endInferred;
            if (ended is not null)
            {
                (end, endInferred) = (ended, false);
            }
            else if (own.Count > 0)
            {
                (end, endInferred) = (own[^1].End, own[^1].End is not null);
            }
            else
            {
                // Never two people at once (e.g. one person and a recorder): it ends when all of
                // its connections have closed and stayed closed for the grace period.
                var lastLeft = tagged.Count > 0 && tagged.All(c => c.LeftAt is not null) ? tagged.Max(c => c.LeftAt) : null;
                if (lastLeft is { } left && left + grace <= now)
                {
                    (end, endInferred) = (left, true);
                }
                else
                {
                    (end, endInferred) = (null, false);
                    if (lastLeft is { } pending)
                    {
                        nextChangeAt = Min(nextChangeAt, pending + grace);
                    }
                }
            }
            sessions.Add(new SessionWindow(id, start, end is { } e2 ? Math.Max(e2, start) : null, endInferred, started is not null));
        }

        // Unnamed sessions: runs no named session took, and that do not fall inside one.
        var namedWindows = sessions.Select(s => new Interval(s.Start, s.End ?? Forever)).ToList();
        foreach (var run in runs.Where(r => !claimed.Contains(r) && !namedWindows.Any(w => w.Overlaps(new Interval(r.Start, r.End ?? Forever)))))
        {
            sessions.Add(new SessionWindow(InferredId(run.Start), run.Start, run.End, run.EndInferred, false));
        }

        // Session events without an id belong to the session live at their instant.
        foreach (var e in sessionEvents.Where(e => e.RoomSessionId is null))
        {
            if (e.Kind == RoomEventKind.SessionStarted)
            {
                var live = sessions.FirstOrDefault(s => s.Start - grace <= e.At && e.At < (s.End ?? Forever));
                if (live is null)
                {
                    var nextEnd = sessionEvents.Where(x => x.Kind == RoomEventKind.SessionEnded && x.RoomSessionId is null && x.At >= e.At).Select(x => (long?)x.At).Min();
                    sessions.Add(new SessionWindow(InferredId(e.At), e.At, nextEnd, false, true));
                }
                else if (!live.StartExplicit)
                {
                    live.Start = e.At;
                    live.StartExplicit = true;
                }
            }
            else
            {
                var target = sessions.Where(s => s.Start <= e.At && e.At <= (s.End ?? Forever)).MinBy(s => s.Start)
                    ?? sessions.Where(s => s.Start <= e.At).MaxBy(s => s.Start);
                if (target is not null && (target.EndInferred || target.End is null || target.End < e.At))
                {
                    target.End = e.At;
                    target.EndInferred = false;
                }
            }
        }

        sessions.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Id, b.Id));
        return sessions;
    }

    /// <summary>
    /// Puts each connection in its session (its roomSessionId, else the first session it
    /// overlaps) and closes the ones still open whose session has ended.
    /// </summary>
    private static List<Connection> AssignAndClose(List<RawConnection> raw, List<SessionWindow> sessions)
    {
        var byId = sessions.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var connections = new List<Connection>(raw.Count);
        foreach (var c in raw)
        {
            var span = new Interval(c.JoinedAt, c.LeftAt ?? Forever);
            var session = c.Tag is { } tag && byId.TryGetValue(tag, out var named)
                ? named
                : sessions.FirstOrDefault(s => span.Overlaps(new Interval(s.Start, s.End ?? Forever)));
            long? leftAt = c.LeftAt;
            var leftInferred = false;
            if (leftAt is null && session?.End is { } end)
            {
                leftAt = Math.Max(c.JoinedAt, end);
                leftInferred = true;
            }
            connections.Add(new Connection
            {
                ParticipantId = c.ParticipantId,
                RoomSessionId = session?.Id,
                RoleName = c.RoleName,
                IsPerson = c.IsPerson,
                ExternalId = c.ExternalId,
                DisplayName = c.DisplayName,
                Metadata = c.Metadata.Shown,
                MetadataVerified = c.Metadata.Verified,
                PersonId = c.PersonId,
                JoinedAt = c.JoinedAt,
                LeftAt = leftAt,
                LeftInferred = leftInferred,
                EventIds = c.EventIds,
            });
        }
        connections.Sort((a, b) => a.JoinedAt != b.JoinedAt ? a.JoinedAt.CompareTo(b.JoinedAt) : string.CompareOrdinal(a.ParticipantId, b.ParticipantId));
        return connections;
    }

    private static Session Total(SessionWindow window, List<Connection> own, ILookup<string, Connection> byPerson, long now)
    {
        var span = new Interval(window.Start, Math.Max(window.Start, window.End ?? now));

        // The session's connections by person, and its totals, in one pass.
        var connectionsByPerson = new Dictionary<string, List<Connection>>(StringComparer.Ordinal);
        long totalMs = 0, totalMinutes = 0;
        foreach (var c in own)
        {
            var length = c.Span(now).Length;
            totalMs += length;
            totalMinutes += (length + MinuteMs - 1) / MinuteMs;
            if (!connectionsByPerson.TryGetValue(c.PersonId, out var ofPerson))
            {
                connectionsByPerson.Add(c.PersonId, ofPerson = []);
            }
            ofPerson.Add(c);
        }
        var people = new List<SessionAttendance>(connectionsByPerson.Count);
        foreach (var (personId, connections) in connectionsByPerson)
        {
            string? externalId = null;
            long firstJoinedAt = long.MaxValue, lastLeftAt = long.MinValue;
            var stillOpen = false;
            foreach (var c in connections)
            {
                externalId ??= c.ExternalId;
                firstJoinedAt = Math.Min(firstJoinedAt, c.JoinedAt);
                if (c.LeftAt is { } left)
                {
                    lastLeftAt = Math.Max(lastLeftAt, left);
                }
                else
                {
                    stillOpen = true;
                }
            }
            people.Add(new SessionAttendance
            {
                PersonId = personId,
                ExternalId = externalId,
                FirstJoinedAt = firstJoinedAt,
                LastLeftAt = stillOpen ? null : lastLeftAt,
                // Time in the session counts every connection of the person, whichever session it was assigned to.
                AttendedMs = Intervals.UnionLength(byPerson[personId].Select(c => c.Span(now)), span),
                Connections = connections.Count,
            });
        }
        people.Sort(static (a, b) => a.FirstJoinedAt != b.FirstJoinedAt ? a.FirstJoinedAt.CompareTo(b.FirstJoinedAt) : string.CompareOrdinal(a.PersonId, b.PersonId));

        return new Session
        {
            RoomSessionId = window.Id,
            StartedAt = window.Start,
            EndedAt = window.End,
            EndInferred = window.End is not null && window.EndInferred,
            TotalParticipantMs = totalMs,
            TotalParticipantMinutes = totalMinutes,
            TotalUniqueParticipants = people.Count,
            PeakParticipants = Intervals.MaxDistinctConcurrent(byPerson.Select(person => person.Select(c => c.Span(now))), span),
            People = people,
        };
    }

    private static Presence BuildPresence(List<RoomEvent> ordered, List<Connection> connections, List<Session> sessions)
    {
        var open = connections.Where(c => c.LeftAt is null).ToList();

        // A knock stands until it is cancelled or its participant joins.
        var knocks = ordered.Where(e => e.Kind == RoomEventKind.Knocked && e.ParticipantId is not null).ToList();
        var joinedIds = knocks.Count == 0 ? [] : connections.Select(c => c.ParticipantId).ToHashSet(StringComparer.Ordinal);
        var waiting = knocks
            .GroupBy(e => e.ParticipantId!, StringComparer.Ordinal)
            .Select(g => g.MaxBy(e => e.At)!)
            .Where(k => !joinedIds.Contains(k.ParticipantId!)
                && !ordered.Any(e => e.Kind == RoomEventKind.KnockCancelled && e.ParticipantId == k.ParticipantId && e.At >= k.At))
            .Select(k => new Knock(k.ParticipantId!, k.DisplayName, k.At))
            .OrderBy(k => k.KnockedAt)
            .ToList();

        return new Presence
        {
            Participants = open,
            NumClientsByRoleName = open.GroupBy(c => c.RoleName ?? "unknown", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            Waiting = waiting,
            CurrentSession = sessions.LastOrDefault(s => s.EndedAt is null),
        };
    }

    private static string InferredId(long start) => $"inferred-{start}";

    private static long? Min(long? a, long b) => a is { } x ? Math.Min(x, b) : b;

    private sealed record Run(long Start, long? End, bool EndInferred);

    private sealed class SessionWindow(string id, long start, long? end, bool endInferred, bool startExplicit)
    {
        public string Id { get; } = id;
        public long Start { get; set; } = start;
        public long? End { get; set; } = end;
        public bool EndInferred { get; set; } = endInferred;
        public bool StartExplicit { get; set; } = startExplicit;
    }
}

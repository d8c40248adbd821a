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
        var grace = Milliseconds(settings.EndGrace);
        var ordered = Canonical(events);
        var raw = RoomConnections.Build(ordered, settings);
        var evidence = RoomEvidence.Gather(ordered, raw, now, settings);
        long? nextChangeAt = null;
        var sessions = RoomSessions.Build(ordered, raw, evidence, now, grace, ref nextChangeAt);
        var waiting = WaitingRoom.Of(ordered);
        var connections = raw.Select(c => Resolve(c, sessions, evidence, waiting)).ToList();
        connections.Sort(static (a, b) => a.JoinedAt != b.JoinedAt ? a.JoinedAt.CompareTo(b.JoinedAt) : string.CompareOrdinal(a.ParticipantId, b.ParticipantId));

        var byPerson = connections.Where(c => c.IsPerson).ToLookup(c => c.PersonId, StringComparer.Ordinal);
        var bySession = connections.SelectMany(c => c.Sessions.Select(part => (part.RoomSessionId, Connection: c)))
            .ToLookup(x => x.RoomSessionId, x => x.Connection, StringComparer.Ordinal);
        // A knock of no connection in a session is the session it names, or the one live when it came.
        var knocks = waiting.KnocksBySession(connections, knock => knock.RoomSessionId is { } tag && sessions.Any(s => s.Id == tag)
            ? tag
            : sessions.LastOrDefault(s => s.Start <= knock.At && (s.End is null || knock.At < s.End))?.Id);
        var totalled = sessions.Select(s => Total(s, bySession[s.Id].ToList(), byPerson, now) with
        {
            // Knocks and waits: what the waiting room says of this session.
            Waiting = (knocks.GetValueOrDefault(s.Id), WaitingRoom.MedianWaitMs(bySession[s.Id].Where(c => c.RoomSessionId == s.Id))),
        }).ToList();

        // Silence is the last evidence: until the room has been silent that long, something may still change.
        var abandonAfter = Milliseconds(settings.AbandonAfter);
        if (!evidence.SilentNow && evidence.LastEventAt is { } last
            && (connections.Any(c => c.LeftAt is null) || totalled.Any(s => s.EndedAt is null) || evidence.UnseenAt(RoomTimeline.Forever) is { Total: > 0 }))
        {
            nextChangeAt = Math.Min(nextChangeAt ?? Forever, last + abandonAfter);
        }
        var presence = BuildPresence(ordered, connections, totalled, evidence, now, abandonAfter, ref nextChangeAt);

        return new RoomAttendance
        {
            Sessions = totalled,
            Connections = connections,
            Presence = presence,
            NextChangeAt = nextChangeAt,
            LastEventAt = evidence.LastEventAt,
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
    /// A connection as the query API shows it: closed where the evidence closed it, in every
    /// session its events name or its span overlaps, with its part in each (rule 7).
    /// </summary>
    private static Connection Resolve(RawConnection c, List<SessionWindow> sessions, Evidence evidence, WaitingRoom waiting)
    {
        var span = new Interval(c.JoinedAt, evidence.EndOf(c));
        var own = sessions.Where(s => c.Tags.Contains(s.Id) || span.Overlaps(s.Span)).ToList();

        long? leftAt = c.LeftAt;
        if (leftAt is null && evidence.ClosedAt.TryGetValue(c, out var closed))
        {
            leftAt = closed;
        }
        else if (leftAt is null && evidence.AbandonedAt.TryGetValue(c, out var cut))
        {
            // Lost after a silence: closed at the end of the last session it was in.
            leftAt = own.Count > 0 ? Math.Max(c.JoinedAt, own[^1].End ?? cut) : c.JoinedAt;
        }

        var parts = new List<SessionPart>(own.Count);
        var from = c.JoinedAt;
        for (var i = 0; i < own.Count; i++)
        {
            long? to = i == own.Count - 1 ? leftAt : own[i].End ?? leftAt;
            if (to is { } end)
            {
                end = Math.Max(end, c.JoinedAt);
                to = leftAt is { } left ? Math.Min(end, left) : end;
            }
            var partFrom = to is { } stop ? Math.Min(from, stop) : from;
            parts.Add(new SessionPart(own[i].Id, partFrom, to));
            from = to ?? from;
        }

        return new Connection
        {
            ParticipantId = c.ParticipantId,
            RoomSessionId = parts.Count > 0 ? parts[0].RoomSessionId : null,
            Sessions = parts,
            RoleName = c.RoleName,
            IsPerson = c.IsPerson,
            ExternalId = c.ExternalId,
            DisplayName = c.DisplayName,
            Metadata = c.Metadata.Shown,
            MetadataVerified = c.Metadata.Verified,
            PersonId = c.PersonId,
            JoinedAt = c.JoinedAt,
            KnockedAt = waiting.KnockedAt(c.ParticipantId, c.JoinedAt),
            LeftAt = leftAt,
            LeftInferred = c.LeftAt is null && leftAt is not null,
            EventIds = c.EventIds,
        };
    }

    private static Session Total(SessionWindow window, List<Connection> own, ILookup<string, Connection> byPerson, long now)
    {
        var span = new Interval(window.Start, Math.Max(window.Start, window.End ?? now));

        // The session's connections by person, and its totals, in one pass.
        var connectionsByPerson = new Dictionary<string, List<Connection>>(StringComparer.Ordinal);
        long totalMs = 0, totalMinutes = 0, recorderMinutes = 0, streamerMinutes = 0;
        int recorders = 0, streamers = 0;
        foreach (var c in own)
        {
            var length = c.PartIn(window.Id, now)!.Value.Length;
            var minutes = (length + MinuteMs - 1) / MinuteMs;
            if (!c.IsPerson)
            {
                // Insights counts recorders and streamers apart; captioners and assistants not at all.
                if (c.RoleName == Roles.Recorder)
                {
                    (recorderMinutes, recorders) = (recorderMinutes + minutes, recorders + 1);
                }
                else if (c.RoleName == Roles.Streamer)
                {
                    (streamerMinutes, streamers) = (streamerMinutes + minutes, streamers + 1);
                }
                continue;
            }
            totalMs += length;
            totalMinutes += minutes;
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
            TotalRecorderMinutes = recorderMinutes,
            TotalStreamerMinutes = streamerMinutes,
            TotalUniqueRecorders = recorders,
            TotalUniqueStreamers = streamers,
            People = people,
        };
    }

    private static Presence BuildPresence(
        List<RoomEvent> ordered, List<Connection> connections, List<Session> sessions, Evidence evidence, long now, long abandonAfter, ref long? nextChangeAt)
    {
        var open = connections.Where(c => c.LeftAt is null).ToList();
        var byRole = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in open)
        {
            var role = c.RoleName ?? "unknown";
            byRole[role] = byRole.GetValueOrDefault(role) + 1;
        }
        // Whom Whereby counted and no 'joined' told us of.
        var unseen = evidence.UnseenAt(now);
        foreach (var (role, count) in unseen?.ByRole ?? new Dictionary<string, long>())
        {
            byRole[role] = (int)Math.Min(int.MaxValue, byRole.GetValueOrDefault(role) + count);
        }

        // A knock stands until it is cancelled, its participant joins, or it is abandoned.
        var waiting = new List<Knock>();
        var knocks = ordered.Where(e => e.Kind == RoomEventKind.Knocked && e.ParticipantId is not null).ToList();
        if (knocks.Count > 0)
        {
            var joinedIds = connections.Select(c => c.ParticipantId).ToHashSet(StringComparer.Ordinal);
            foreach (var k in knocks.GroupBy(e => e.ParticipantId!, StringComparer.Ordinal).Select(g => g.MaxBy(e => e.At)!))
            {
                if (joinedIds.Contains(k.ParticipantId!)
                    || ordered.Any(e => e.Kind == RoomEventKind.KnockCancelled && e.ParticipantId == k.ParticipantId && e.At >= k.At))
                {
                    continue;
                }
                if (k.At + abandonAfter <= now)
                {
                    continue;
                }
                nextChangeAt = Math.Min(nextChangeAt ?? Forever, k.At + abandonAfter);
                waiting.Add(new Knock(k.ParticipantId!, k.DisplayName, k.At));
            }
            waiting.Sort(static (a, b) => a.KnockedAt != b.KnockedAt ? a.KnockedAt.CompareTo(b.KnockedAt) : string.CompareOrdinal(a.ParticipantId, b.ParticipantId));
        }

        return new Presence
        {
            Participants = open,
            NumClients = (int)Math.Min(int.MaxValue, open.Count + (unseen?.Total ?? 0)),
            NumClientsByRoleName = byRole,
            Waiting = waiting,
            CurrentSession = sessions.LastOrDefault(s => s.EndedAt is null),
        };
    }

    /// <summary>A duration in whole milliseconds, never negative and never past <see cref="Forever"/>.</summary>
    internal static long Milliseconds(TimeSpan span) => (long)Math.Clamp(span.TotalMilliseconds, 0, Forever);
}

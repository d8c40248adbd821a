using WherebyGrains.Attendance;

namespace WherebyGrains.Simulator;

/// <summary>What the oracle expects of one session.</summary>
/// <param name="Id">Its roomSessionId, or <c>inferred-&lt;startedAt ms&gt;</c>.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended; null while live.</param>
/// <param name="EndInferred">True when no <c>room.session.ended</c> gave its end.</param>
/// <param name="TotalParticipantMs">Sum of its people connections' parts (up to now while open).</param>
/// <param name="TotalParticipantMinutes">Each people connection's part in minutes, rounded up, summed.</param>
/// <param name="TotalUniqueParticipants">Distinct people with a connection in it.</param>
/// <param name="PeakParticipants">Most distinct people present at one second of its window.</param>
/// <param name="TotalRecorderMinutes">Each recorder connection's part in minutes, rounded up, summed.</param>
/// <param name="TotalStreamerMinutes">Each streamer connection's part in minutes, rounded up, summed.</param>
/// <param name="TotalUniqueRecorders">Recorder connections in it.</param>
/// <param name="TotalUniqueStreamers">Streamer connections in it.</param>
/// <param name="People">Per person, by person id (ordinal).</param>
/// <param name="TotalKnocks">Its knocks: of connections whose first session it is, and of knockers in no session while it was live.</param>
/// <param name="MedianWaitMs">The median wait of its connections admitted after a knock; null when none.</param>
public sealed record ExpectedSession(
    string Id,
    long StartedAt,
    long? EndedAt,
    bool EndInferred,
    long TotalParticipantMs,
    long TotalParticipantMinutes,
    int TotalUniqueParticipants,
    int PeakParticipants,
    long TotalRecorderMinutes,
    long TotalStreamerMinutes,
    int TotalUniqueRecorders,
    int TotalUniqueStreamers,
    IReadOnlyList<ExpectedPerson> People,
    int TotalKnocks = 0,
    double? MedianWaitMs = null);

/// <summary>What the oracle expects of one person in one session.</summary>
/// <param name="PersonId">The person key.</param>
/// <param name="AttendedMs">Seconds any of their connections in the room covered within the session's window, in ms.</param>
/// <param name="FirstJoinedAt">The earliest join of their connections in the session.</param>
/// <param name="LastLeftAt">The latest leave of those; null while one is open.</param>
/// <param name="Connections">How many of their connections are in the session.</param>
public sealed record ExpectedPerson(string PersonId, long AttendedMs, long FirstJoinedAt, long? LastLeftAt, int Connections);

/// <summary>What the oracle expects of one connection.</summary>
/// <param name="ParticipantId">Its participantId (<c>anon-&lt;joined event id&gt;</c> for 2022 payloads).</param>
/// <param name="RoomSessionId">The first session it is in; null when none.</param>
/// <param name="PersonId">The person key of rule 4.</param>
/// <param name="RoleName">Its role.</param>
/// <param name="IsPerson">False for a machine role.</param>
/// <param name="JoinedAt">Its join.</param>
/// <param name="LeftAt">Its leave (delivered or inferred); null while open.</param>
/// <param name="LeftInferred">True when the evidence of rule 3 closed it.</param>
/// <param name="Sessions">Each session it is in, oldest first, with its part (rule 7).</param>
/// <param name="KnockedAt">Its participant's first knock before it joined; null without one.</param>
public sealed record ExpectedConnection(
    string ParticipantId,
    string? RoomSessionId,
    string PersonId,
    string? RoleName,
    bool IsPerson,
    long JoinedAt,
    long? LeftAt,
    bool LeftInferred,
    IReadOnlyList<SessionPart> Sessions,
    long? KnockedAt = null);

/// <summary>One participants row: a connection in one session, with its part there as the duration.</summary>
public sealed record ExpectedParticipantRow(string RoomSessionId, string ParticipantId, string PersonId, bool IsPerson, long JoinedAt, long? LeftAt, bool LeftInferred, long PartMs);

/// <summary>What the oracle expects of the room's presence.</summary>
/// <param name="ParticipantIds">The connections open now, ordinal order.</param>
/// <param name="NumClientsByRoleName">Open connections by role, plus the unseen ones of the last counted event; null when that event gave only the total and showed unseen connections (their role is unknown).</param>
/// <param name="NumClients">Open connections plus every unseen one.</param>
/// <param name="Waiting">Who knocks now, ordinal order.</param>
/// <param name="CurrentSessionId">The live session, if any.</param>
public sealed record ExpectedPresence(IReadOnlyList<string> ParticipantIds, IReadOnlyDictionary<string, int>? NumClientsByRoleName, int NumClients, IReadOnlyList<string> Waiting, string? CurrentSessionId);

/// <summary>What the oracle expects of a room as of one instant.</summary>
/// <param name="Sessions">Oldest first.</param>
/// <param name="Connections">Ordinal by participant id (held-back connections, whose <c>joined</c> never came, are not listed).</param>
/// <param name="Presence">Presence at the instant.</param>
/// <param name="Ambiguities">
/// Generator participant ids (or <see cref="MeetingOracle.Everything"/>) of connections whose
/// losses leave the rules' picture at odds with the truth in a way the evidence cannot settle
/// (see <see cref="MeetingOracle.Ambiguities"/>); the numbers above are still the docs' answer.
/// </param>
public sealed record ExpectedRoom(List<ExpectedSession> Sessions, List<ExpectedConnection> Connections, ExpectedPresence Presence, IReadOnlyList<string> Ambiguities)
{
    /// <summary>Sessions and connections, as callers of the first oracle took them.</summary>
    public void Deconstruct(out List<ExpectedSession> sessions, out List<ExpectedConnection> connections)
    {
        sessions = Sessions;
        connections = Connections;
    }

    /// <summary>The participants rows: one a connection and session it is in, ordered by session then participant.</summary>
    public IEnumerable<ExpectedParticipantRow> Rows(long now) =>
        Connections.SelectMany(c => c.Sessions.Select(p => new ExpectedParticipantRow(p.RoomSessionId, c.ParticipantId, c.PersonId, c.IsPerson, c.JoinedAt, c.LeftAt, c.LeftInferred, (p.To ?? now) - p.From)))
            .OrderBy(r => r.RoomSessionId, StringComparer.Ordinal).ThenBy(r => r.ParticipantId, StringComparer.Ordinal);
}

/// <summary>What the oracle expects of one row of a person's attendance report: one session they attended.</summary>
public sealed record ExpectedAttendance(string RoomName, string RoomSessionId, long SessionStartedAt, long? SessionEndedAt, long FirstJoinedAt, long? LastLeftAt, long AttendedMs, int Connections);

/// <summary>
/// An independent oracle of docs/attendance-rules.md. It works from the generated ground truth
/// (who was really in the room, second by second, and which events were delivered), not from the
/// events the rules read: the room's counts are recomputed from the truth; what the rules can know
/// is the truth minus what was lost, corrected at each instant of evidence (a counted event, an
/// <c>ended</c>, the room's silence) by the docs' choices; occupancy, sessions, attendance and
/// peaks are then counted one second at a time. It shares no code with <c>RoomTimeline</c>.
/// </summary>
public static class MeetingOracle
{
    /// <summary>The ambiguity that no single connection's delivery settles: deliver everything.</summary>
    public const string Everything = "*";

    private const long Second = 1000;

    /// <summary>
    /// Where a generated room's losses leave the rules guessing wrong (or unable to name a session):
    /// the generator delivers the events of these connections. Checked as of the meeting's
    /// <see cref="GeneratedMeeting.Now"/>: at every counted event the rules' picture (known open
    /// connections after the closures, plus unseen ones) must be the truth; an <c>ended</c> must
    /// close only connections that are gone and find no unseen one; each run must be one real
    /// session; each connection must be in the real sessions it was in, no more, no fewer.
    /// </summary>
    public static IReadOnlyList<string> Ambiguities(GeneratedMeeting meeting) => Expect(meeting).Ambiguities;

    /// <summary>What the rules must answer for <paramref name="meeting"/> as of <paramref name="now"/> (default its <see cref="GeneratedMeeting.Now"/>): the events created by then, delivered.</summary>
    public static ExpectedRoom Expect(GeneratedMeeting meeting, long? now = null, AttendanceSettings? settings = null)
    {
        var n = now ?? meeting.Now;
        settings ??= GeneratedMeeting.Settings;
        var grace = (long)settings.EndGrace.TotalMilliseconds;
        var abandonAfter = (long)settings.AbandonAfter.TotalMilliseconds;
        var issues = new SortedSet<string>(StringComparer.Ordinal);
        var events = meeting.Events.Where(e => e.At <= n).ToList();
        if (events.Count == 0)
        {
            return new ExpectedRoom([], [], new ExpectedPresence([], new Dictionary<string, int>(), 0, [], null), []);
        }
        var eventsById = events.ToDictionary(e => e.Id);

        // What the rules can know: the connections whose 'joined' came, and their 'left' if it came.
        var truth = meeting.Connections.Where(c => c.JoinedAt <= n).ToList();
        var known = truth.Where(c => c.JoinDelivered).Select(c => new Conn(meeting, c, c.LeftDelivered && c.LeftAt <= n ? c.LeftAt : null)).ToList();
        var byGenId = known.ToDictionary(c => c.G.ParticipantId);

        // Evidence, in time order (client events and Whereby's 'ended' never share a second).
        var unseen = new List<(long From, int People, Dictionary<string, int>? ByRole, int Total, List<GenConnection> Truly)>();
        var evidence = events.Where(e => e.Kind is RoomEventKind.Joined or RoomEventKind.Left && e.NumClients is not null || e.Kind == RoomEventKind.SessionEnded).OrderBy(e => e.At).ToList();
        foreach (var e in evidence)
        {
            var t = e.At;
            List<Conn> KnownOpen() => [.. known.Where(c => c.Join <= t && (c.LeftEvent is null || c.LeftEvent > t) && c.ClosedAt is null)];
            bool Candidate(Conn c) => c.LeftEvent is null && c.Join < t;
            void Close(List<Conn> open, int how)
            {
                var chosen = open.Where(Candidate).OrderByDescending(c => c.Join).ThenByDescending(c => c.Pid, StringComparer.Ordinal).Take(how).ToList();
                foreach (var c in chosen)
                {
                    c.ClosedAt = t;
                    if (c.G.LeftAt > t)
                    {
                        // Closes someone who is still there: the docs' choice is wrong on this room.
                        issues.Add(c.G.ParticipantId);
                    }
                }
                if (chosen.Count < how)
                {
                    issues.UnionWith(open.Where(c => !c.G.LeftDelivered).Select(c => c.G.ParticipantId).DefaultIfEmpty(Everything));
                }
            }

            if (e.Kind == RoomEventKind.SessionEnded)
            {
                var people = KnownOpen().Where(c => c.IsPerson).ToList();
                var current = unseen.LastOrDefault(u => u.From < t);
                if (current.People > 0)
                {
                    // Whether unseen people count toward "two or more" at an 'ended' is not a case the generator makes.
                    issues.UnionWith(current.Truly.Select(c => c.ParticipantId).DefaultIfEmpty(Everything));
                }
                if (people.Count >= 2)
                {
                    Close(people, people.Count - 1);
                }
                continue;
            }

            // The room's true state right after the event: the counts it carries.
            var trulyOpen = truth.Where(c => c.JoinedAt <= t && t < c.LeftAt).ToList();
            if (e.NumClients != trulyOpen.Count)
            {
                throw new InvalidOperationException($"event {e.Id} at {t} says {e.NumClients} clients, the truth {trulyOpen.Count}");
            }
            var open = KnownOpen();
            var byRole = e.NumClientsByRoleName is { } roles && roles.Values.Sum() == e.NumClients ? roles : null;
            var scopes = byRole is null
                ? new List<(string? Role, int Count)> { (null, e.NumClients.Value) }
                : [.. open.Select(c => c.Role).Concat(byRole.Keys).Distinct().Select(r => ((string?)r, byRole.GetValueOrDefault(r)))];
            var unseenPeople = 0;
            var unseenByRole = byRole is null ? null : new Dictionary<string, int>(StringComparer.Ordinal);
            var unseenTotal = 0;
            foreach (var (role, count) in scopes)
            {
                bool InScope(string? r) => role is null || r == role;
                var mine = open.Where(c => InScope(c.Role)).ToList();
                if (mine.Count > count)
                {
                    Close(mine, mine.Count - count);
                }
                var after = mine.Where(c => c.ClosedAt is null).ToList();
                var hidden = Math.Max(0, count - after.Count);
                unseenTotal += hidden;
                unseenPeople += role is null || Roles.IsPerson(role) ? hidden : 0;
                if (unseenByRole is not null && hidden > 0)
                {
                    unseenByRole[role!] = hidden;
                }
                // The rules' picture must now be the truth: no ghost left, the unseen the ones really there.
                var ghosts = after.Where(c => c.G.LeftAt <= t).Select(c => c.G.ParticipantId).ToList();
                var trulyUnseen = trulyOpen.Where(c => !c.JoinDelivered && InScope(c.RoleName)).ToList();
                issues.UnionWith(ghosts);
                if (hidden != trulyUnseen.Count)
                {
                    issues.UnionWith(trulyUnseen.Select(c => c.ParticipantId).Concat(ghosts).DefaultIfEmpty(Everything));
                }
            }
            unseen.Add((t, unseenPeople, unseenByRole, unseenTotal, trulyOpen.Where(c => !c.JoinDelivered).ToList()));
        }

        // The room's silence. Only its final one: a generated room is never quiet that long inside.
        var times = events.Select(e => e.At).Order().ToList();
        for (var i = 1; i < times.Count; i++)
        {
            if (times[i] - times[i - 1] >= abandonAfter)
            {
                throw new NotSupportedException($"seed {meeting.Seed}: a silence of {(times[i] - times[i - 1]) / 60_000} min inside the room");
            }
        }
        var lastEvent = times[^1];
        var abandoned = n - lastEvent >= abandonAfter;
        foreach (var c in known)
        {
            c.Abandoned = abandoned && c.LeftEvent is null && c.ClosedAt is null;
            // For the room's occupancy an abandoned connection counts up to the room's last event.
            c.OccEnd = Math.Max(c.Join, c.LeftEvent ?? c.ClosedAt ?? (c.Abandoned ? lastEvent : n));
        }
        if (unseen.Count > 0 && unseen[^1].People > 0 && n == meeting.Now)
        {
            issues.UnionWith(unseen[^1].Truly.Select(c => c.ParticipantId).DefaultIfEmpty(Everything));
        }

        // Occupancy, second by second: people connections as the rules know them, and the unseen.
        var from = Math.Min(known.Select(c => c.Join).DefaultIfEmpty(n).Min(), unseen.Select(u => u.From).DefaultIfEmpty(n).Min()) / Second * Second;
        var seconds = (int)Math.Max(0, (n - from + Second - 1) / Second);
        var occupancy = new int[seconds];
        foreach (var c in known.Where(c => c.IsPerson))
        {
            for (var t = c.Join; t < c.OccEnd && t < n; t += Second)
            {
                occupancy[(t - from) / Second]++;
            }
        }
        for (var i = 0; i < unseen.Count; i++)
        {
            var to = i + 1 < unseen.Count ? unseen[i + 1].From : n;
            for (var t = unseen[i].From; t < to; t += Second)
            {
                occupancy[(t - from) / Second] += unseen[i].People;
            }
        }

        // Runs: from the first second of 2 or more to the drop below 2 once it lasted the grace, or
        // to an 'ended' at whose second the room is below 2.
        var endedAt = events.Where(e => e.Kind == RoomEventKind.SessionEnded).Select(e => e.At).ToHashSet();
        var runs = new List<(long Start, long? End)>();
        long? runStart = null;
        long? drop = null;
        for (var i = 0; i < seconds; i++)
        {
            var t = from + i * Second;
            if (runStart is null)
            {
                if (occupancy[i] >= 2)
                {
                    runStart = t;
                    drop = null;
                }
                continue;
            }
            if (occupancy[i] >= 2)
            {
                drop = null;
                continue;
            }
            drop ??= t;
            if (endedAt.Contains(t))
            {
                runs.Add((runStart.Value, t));
                runStart = drop = null;
            }
            else if (Math.Min(t + Second, n) - drop >= grace)
            {
                runs.Add((runStart.Value, drop));
                runStart = drop = null;
            }
        }
        if (runStart is not null)
        {
            runs.Add((runStart.Value, null));
        }

        // Each run is one real session: the generator never lets a ghost merge two or spill into none.
        var realIndex = new List<int>();
        foreach (var (start, end) in runs)
        {
            var real = meeting.Sessions.Where(s => s.Start < (end ?? n) && start < s.End).ToList();
            // A ghost left over from the session before that fills the room early moves the run's
            // start off the real one: the docs do not say whether an id-less 'started' then names
            // the session inferred-<run start> or inferred-<started>; the generator avoids it.
            if (real.Count != 1 || real[0].Start != start)
            {
                issues.UnionWith(LossesWithin(meeting, start, end ?? n).DefaultIfEmpty(Everything));
            }
            realIndex.Add(real.Count > 0 ? real[0].Index : -1);
        }
        foreach (var s in meeting.Sessions.Where(s => s.Start < n))
        {
            if (realIndex.Count(i => i == s.Index) != 1)
            {
                issues.UnionWith(LossesWithin(meeting, s.Start, s.End).DefaultIfEmpty(Everything));
            }
        }

        // Sessions: named by the ids the events within the run carry, or by its own started/ended.
        var sessionEvents = events.Where(e => e.Kind is RoomEventKind.SessionStarted or RoomEventKind.SessionEnded).ToList();
        var sessions = new List<Building>();
        for (var r = 0; r < runs.Count; r++)
        {
            var (start, end) = runs[r];
            var ids = events.Where(e => e.RoomSessionId is not null && e.At >= start && (end is null || e.At <= end)).Select(e => e.RoomSessionId!)
                .Concat(sessionEvents.Where(e => e.RoomSessionId is not null && realIndex[r] >= 0 && Belongs(meeting, e, realIndex[r])).Select(e => e.RoomSessionId!))
                .Distinct().ToList();
            if (ids.Count > 1)
            {
                issues.UnionWith(LossesWithin(meeting, start, end ?? n).DefaultIfEmpty(Everything));
            }
            var name = ids.FirstOrDefault();
            if (name is not null && sessions.Count > 0 && sessions[^1].Name == name)
            {
                // Runs of one named session are one session, from its first run to its last (not a
                // shape the generator keeps: the real session is flagged above as split).
                sessions[^1].RunEnd = end;
                continue;
            }
            sessions.Add(new Building { RunStart = start, RunEnd = end, Name = name, Real = realIndex[r] });
        }
        foreach (var id in events.Where(e => e.RoomSessionId is not null).Select(e => e.RoomSessionId!).Distinct().ToList())
        {
            if (sessions.Any(s => s.Name == id))
            {
                continue;
            }
            // A named session that never held two people (one person and a recorder; or a room
            // abandoned right after a join): from its earliest event to when all its connections
            // have closed and stayed closed for the grace. The generator avoids it at its Now.
            issues.UnionWith(LossesWithin(meeting, events.Where(e => e.RoomSessionId == id).Min(e => e.At), n).DefaultIfEmpty(Everything));
            var naming = events.Where(e => e.RoomSessionId == id).ToList();
            var its = known.Where(c => c.EventIds.Any(x => naming.Any(e => e.Id == x))).ToList();
            var closed = its.Count > 0 && its.All(c => c.LeftEvent is not null || c.ClosedAt is not null || c.Abandoned) ? its.Max(c => c.OccEnd) : (long?)null;
            sessions.Add(new Building { Name = id, RunStart = naming.Min(e => e.At), RunEnd = closed is { } last && n - last >= grace ? last : null, Real = -1 });
        }
        foreach (var s in sessions)
        {
            var ownStart = sessionEvents.FirstOrDefault(e => e.Kind == RoomEventKind.SessionStarted && e.RoomSessionId is not null && e.RoomSessionId == s.Name);
            var idlessStart = sessionEvents.Where(e => e.Kind == RoomEventKind.SessionStarted && e.RoomSessionId is null && e.At >= s.RunStart && (s.RunEnd is null || e.At < s.RunEnd)).OrderBy(e => e.At).FirstOrDefault();
            s.StartedAt = ownStart?.At ?? idlessStart?.At ?? s.RunStart;
            var ownEnd = sessionEvents.FirstOrDefault(e => e.Kind == RoomEventKind.SessionEnded && e.RoomSessionId is not null && e.RoomSessionId == s.Name);
            if (ownEnd is not null)
            {
                s.EndedAt = ownEnd.At;
            }
        }
        sessions = [.. sessions.OrderBy(s => s.StartedAt).ThenBy(s => s.RunStart)];
        foreach (var e in sessionEvents.Where(e => e.Kind == RoomEventKind.SessionEnded && e.RoomSessionId is null).OrderBy(e => e.At))
        {
            // An id-less 'ended' ends the session live at its instant (a run it cut, or one whose drop
            // is within the grace), else the latest one started before it, unless that has its own.
            var target = sessions.FirstOrDefault(s => s.RunStart <= e.At && (s.RunEnd is null || e.At <= s.RunEnd))
                ?? sessions.LastOrDefault(s => s.StartedAt < e.At);
            if (target is not null && !target.OwnEnded)
            {
                target.EndedAt = e.At;
                target.OwnEnded = true;
            }
        }
        foreach (var s in sessions)
        {
            s.OwnEnded |= s.EndedAt is not null;
            s.EndInferred = !s.OwnEnded && s.RunEnd is not null;
            s.EndedAt ??= s.RunEnd;
            s.Id = s.Name ?? $"inferred-{s.StartedAt}";
        }
        var sessionByName = sessions.Where(s => s.Name is not null).ToDictionary(s => s.Name!);

        // Each connection's sessions: those its events name, and those whose window its span overlaps.
        foreach (var c in known)
        {
            var named = c.EventIds.Select(id => eventsById.TryGetValue(id, out var e) ? e.RoomSessionId : null)
                .Where(id => id is not null && sessionByName.ContainsKey(id)).Select(id => sessionByName[id!]);
            // One that joined at this very instant, in a live session, is in it (its span is empty yet).
            c.In = [.. sessions.Where(s => (c.Join < (s.EndedAt ?? n) && c.OccEnd > s.StartedAt) || (s.EndedAt is null && c.Join == n && c.OccEnd == n && c.Join >= s.StartedAt))
                .Concat(named).Distinct().OrderBy(s => s.StartedAt)];
            if (c.LeftEvent is { } left)
            {
                c.LeftAt = Math.Max(c.Join, left);
            }
            else if (c.ClosedAt is { } closed)
            {
                c.LeftAt = closed;
                c.Inferred = true;
            }
            else if (c.Abandoned)
            {
                // Lost for good: closed at the end of the last session it is in, or at its join; never
                // before its join (a reconnect named by a session that the silence ended before it).
                // (A live session here only comes of sets the generator rejects as ambiguous.)
                c.LeftAt = Math.Max(c.Join, c.In.Count > 0 ? c.In[^1].EndedAt ?? c.OccEnd : c.Join);
                c.Inferred = true;
            }
            c.Parts = [.. c.In.Select((s, i) => new SessionPart(s.Id, i == 0 ? c.Join : c.In[i - 1].EndedAt ?? n, i == c.In.Count - 1 ? c.LeftAt : s.EndedAt))];

            // The connection must be in the real sessions it was in: a ghost must not spill into the next.
            var real = meeting.Sessions.Where(s => s.Start < n && c.G.JoinedAt < s.End && s.Start < c.G.LeftAt).Select(s => s.Index).ToHashSet();
            var oracle = c.In.Select(s => s.Real).ToHashSet();
            if (!real.SetEquals(oracle) && !(n < meeting.Now))
            {
                issues.Add(c.G.ParticipantId);
            }
        }

        // The waiting room, from the knocks the meeting was made of: a connection's first knock before
        // its join; a knock in its connection's first session, else in the session live when it came.
        // (Only those sent: 2022 payloads have no knocks.)
        var knocks = meeting.Knocks.Where(k => events.Any(e => e.Kind == RoomEventKind.Knocked && e.ParticipantId == k.ParticipantId && e.At == k.At)).ToList();
        long? KnockedAt(Conn c) => knocks.Where(k => k.ParticipantId == c.Pid && k.At <= c.Join).Select(k => (long?)k.At).Min();
        string? SessionOfKnock(GenKnock k) =>
            known.FirstOrDefault(c => c.Pid == k.ParticipantId && c.Parts.Count > 0)?.Parts[0].RoomSessionId
            ?? sessions.LastOrDefault(s => s.StartedAt <= k.At && (s.EndedAt is null || k.At < s.EndedAt))?.Id;

        static double? Median(List<double> waits)
        {
            waits.Sort();
            return waits.Count == 0 ? null : waits.Count % 2 == 1 ? waits[waits.Count / 2] : (waits[waits.Count / 2 - 1] + waits[waits.Count / 2]) / 2;
        }

        // Totals and people, second by second within each session's window.
        var expectedSessions = new List<ExpectedSession>();
        foreach (var s in sessions)
        {
            var window = (From: s.StartedAt, To: s.EndedAt ?? n);
            var members = known.Where(c => c.In.Contains(s)).ToList();
            long PartMs(Conn c) => c.Parts.Where(p => p.RoomSessionId == s.Id).Sum(p => (p.To ?? n) - p.From);
            long Minutes(IEnumerable<Conn> of) => of.Sum(c => (PartMs(c) + 59_999) / 60_000);
            var peopleConns = members.Where(c => c.IsPerson).ToList();
            var peak = 0;
            var attended = new Dictionary<string, long>(StringComparer.Ordinal);
            var roomPeople = known.Where(c => c.IsPerson).ToList();
            for (var t = window.From; t < window.To; t += Second)
            {
                var weight = Math.Min(Second, window.To - t);
                var present = roomPeople.Where(c => c.Join <= t && t < (c.LeftAt ?? n)).Select(c => c.Person).ToHashSet(StringComparer.Ordinal);
                peak = Math.Max(peak, present.Count);
                foreach (var person in present)
                {
                    attended[person] = attended.GetValueOrDefault(person) + weight;
                }
            }
            var people = peopleConns.GroupBy(c => c.Person)
                .Select(g => new ExpectedPerson(g.Key, attended.GetValueOrDefault(g.Key), g.Min(c => c.Join), g.Any(c => c.LeftAt is null) ? null : g.Max(c => c.LeftAt), g.Count()))
                .OrderBy(p => p.PersonId, StringComparer.Ordinal)
                .ToList();
            expectedSessions.Add(new ExpectedSession(
                s.Id, s.StartedAt, s.EndedAt, s.EndInferred,
                peopleConns.Sum(PartMs), Minutes(peopleConns), people.Count, peak,
                Minutes(members.Where(c => c.Role == "recorder")), Minutes(members.Where(c => c.Role == "streamer")),
                members.Count(c => c.Role == "recorder"), members.Count(c => c.Role == "streamer"),
                people,
                knocks.Count(k => SessionOfKnock(k) == s.Id),
                Median([.. known.Where(c => c.Parts.Count > 0 && c.Parts[0].RoomSessionId == s.Id && KnockedAt(c) is not null).Select(c => (double)(c.Join - KnockedAt(c)!.Value))])));
        }

        var connections = known
            .Select(c => new ExpectedConnection(c.Pid, c.Parts.Count > 0 ? c.Parts[0].RoomSessionId : null, c.Person, c.Role, c.IsPerson, c.Join, c.LeftAt, c.Inferred, c.Parts, KnockedAt(c)))
            .OrderBy(c => c.ParticipantId, StringComparer.Ordinal)
            .ToList();

        // Presence: the connections open now, the unseen ones of the last counted event, knocks standing.
        var openNow = known.Where(c => c.LeftAt is null).ToList();
        var byRoleNow = openNow.Where(c => c.Role is not null).GroupBy(c => c.Role!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var lastUnseen = unseen.LastOrDefault();
        foreach (var (role, count) in lastUnseen.ByRole ?? [])
        {
            byRoleNow[role] = byRoleNow.GetValueOrDefault(role) + count;
        }
        // Unseen connections of a count that gave only the total have no role: whether the by-role
        // counts then leave them out or take a role from an earlier count, the docs do not say.
        var rolesKnown = lastUnseen.Total == 0 || lastUnseen.ByRole is not null;
        var waiting = events.Where(e => e.Kind == RoomEventKind.Knocked && n - e.At < abandonAfter
                && !events.Any(x => x.ParticipantId == e.ParticipantId && x.At >= e.At && x.Kind is RoomEventKind.KnockCancelled or RoomEventKind.Joined))
            .Select(e => e.ParticipantId!).Distinct().Order(StringComparer.Ordinal).ToList();
        var presence = new ExpectedPresence(
            [.. openNow.Select(c => c.Pid).Order(StringComparer.Ordinal)], rolesKnown ? byRoleNow : null, openNow.Count + lastUnseen.Total, waiting,
            sessions.LastOrDefault(s => s.EndedAt is null)?.Id);
        // Only a loss can be undone: a difference the rules would show with every event delivered is
        // the rules' answer, not an ambiguity (a connection that left before a 'started' that came
        // late, say).
        var lossy = meeting.Connections.Where(c => !c.JoinDelivered || !c.LeftDelivered).Select(c => c.ParticipantId).ToHashSet(StringComparer.Ordinal);
        var settle = issues.Where(lossy.Contains).ToList();
        if (settle.Count == 0 && issues.Contains(Everything) && lossy.Count > 0)
        {
            settle.Add(Everything);
        }
        return new ExpectedRoom(expectedSessions, connections, presence, settle);
    }

    /// <summary>
    /// Each person's attendance over the given meetings, held in the given rooms: one row a session
    /// they had a connection in, across every room they met in (the rows of <c>/v1/attendance</c>).
    /// </summary>
    public static Dictionary<string, List<ExpectedAttendance>> ExpectAttendance(IEnumerable<(GeneratedMeeting Meeting, string RoomName)> meetings, long? now = null, AttendanceSettings? settings = null)
    {
        var byPerson = new Dictionary<string, List<ExpectedAttendance>>(StringComparer.Ordinal);
        foreach (var (meeting, roomName) in meetings)
        {
            foreach (var session in Expect(meeting, now, settings).Sessions)
            {
                foreach (var person in session.People)
                {
                    if (!byPerson.TryGetValue(person.PersonId, out var rows))
                    {
                        byPerson[person.PersonId] = rows = [];
                    }
                    rows.Add(new ExpectedAttendance(roomName, session.Id, session.StartedAt, session.EndedAt,
                        person.FirstJoinedAt, person.LastLeftAt, person.AttendedMs, person.Connections));
                }
            }
        }
        return byPerson;
    }

    /// <summary>Whether a session event with an id was generated for real session <paramref name="index"/>.</summary>
    private static bool Belongs(GeneratedMeeting meeting, RoomEvent e, int index) =>
        e.RoomSessionId == GeneratedMeeting.SessionId(meeting.Seed, index);

    private static IEnumerable<string> LossesWithin(GeneratedMeeting meeting, long from, long to) =>
        meeting.Connections.Where(c => (!c.LeftDelivered && c.LeftAt <= to && c.JoinedAt < to) || (!c.JoinDelivered && c.JoinedAt < to && c.LeftAt > from))
            .Select(c => c.ParticipantId);

    /// <summary>A session as the oracle assembles it.</summary>
    private sealed class Building
    {
        public long RunStart;
        public long? RunEnd;
        public int Real;
        public string? Name;
        public string Id = "";
        public long StartedAt;
        public long? EndedAt;
        public bool OwnEnded;
        public bool EndInferred;
    }

    /// <summary>A connection as the rules can know it.</summary>
    private sealed class Conn
    {
        public Conn(GeneratedMeeting meeting, GenConnection g, long? leftEvent)
        {
            G = g;
            LeftEvent = leftEvent;
            Pid = meeting.Legacy ? "anon-" + g.JoinEventId : g.ParticipantId;
            Role = meeting.Legacy ? (g.IsPerson ? "visitor" : "recorder") : g.RoleName;
            IsPerson = g.IsPerson;
            Person = (meeting.Legacy ? null : GeneratedMeeting.PersonKey(meeting.Seed, g.Person, g.Person < 0 ? Identity.Anonymous : meeting.People[g.Person])) ?? Pid;
            Join = g.JoinedAt;
            EventIds = leftEvent is null ? [g.JoinEventId] : [g.JoinEventId, g.LeftEventId];
        }

        public GenConnection G { get; }
        public string Pid { get; }
        public string Role { get; }
        public bool IsPerson { get; }
        public string Person { get; }
        public long Join { get; }
        public long? LeftEvent { get; }
        public string[] EventIds { get; }
        public long? ClosedAt { get; set; }
        public bool Abandoned { get; set; }
        public long OccEnd { get; set; }
        public long? LeftAt { get; set; }
        public bool Inferred { get; set; }
        public List<Building> In { get; set; } = [];
        public List<SessionPart> Parts { get; set; } = [];
    }
}

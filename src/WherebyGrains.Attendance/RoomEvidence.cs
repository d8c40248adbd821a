namespace WherebyGrains.Attendance;

/// <summary>Connections Whereby counted but whose <c>joined</c> never came, from one counted event on.</summary>
/// <param name="At">From when (until the next step).</param>
/// <param name="People">How many of them are people (what sessions count).</param>
/// <param name="Total">How many, all roles.</param>
/// <param name="ByRole">How many of each role, when the counts named roles.</param>
internal sealed record UnseenStep(long At, long People, long Total, IReadOnlyDictionary<string, long>? ByRole);

/// <summary>What the evidence of rule 3 says of a room's connections without a <c>left</c>.</summary>
internal sealed class Evidence
{
    /// <summary>Where the room's counts or a <c>room.session.ended</c> closed a connection.</summary>
    public Dictionary<RawConnection, long> ClosedAt { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Connections taken as lost after a silence, with the room's last event before it (their end for occupancy).</summary>
    public Dictionary<RawConnection, long> AbandonedAt { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Unseen connections, as steps in time order (the first from the first counted event that showed any).</summary>
    public List<UnseenStep> Unseen { get; } = [];

    /// <summary>The room's last event (any kind), or null without events.</summary>
    public long? LastEventAt { get; set; }

    /// <summary>True when the room has been silent for <see cref="AttendanceSettings.AbandonAfter"/> up to now.</summary>
    public bool SilentNow { get; set; }

    /// <summary>Where a connection ends as far as occupancy goes: its <c>left</c>, its closure, its abandonment, or never.</summary>
    public long EndOf(RawConnection c) =>
        c.LeftAt ?? (ClosedAt.TryGetValue(c, out var closed) ? closed : AbandonedAt.TryGetValue(c, out var cut) ? cut : RoomTimeline.Forever);

    /// <summary>The unseen connections at <paramref name="at"/>.</summary>
    public UnseenStep? UnseenAt(long at)
    {
        UnseenStep? current = null;
        foreach (var step in Unseen)
        {
            if (step.At > at)
            {
                break;
            }
            current = step;
        }
        return current;
    }
}

/// <summary>
/// Rule 3's evidence, in one pass over the room's events in time order: the room's counts
/// (<c>numClients</c>, <c>numClientsByRoleName</c>) and <c>room.session.ended</c> close connections
/// whose <c>left</c> was lost, or reveal connections whose <c>joined</c> was; a silence of
/// <see cref="AttendanceSettings.AbandonAfter"/> takes what is still open as lost. Nothing here
/// depends on sessions, so sessions can be built on it. See docs/attendance-rules.md.
/// </summary>
internal static class RoomEvidence
{
    // A hostile count must not become a million phantom people: far above any real room.
    private const long MaxUnseen = 100_000;

    public static Evidence Gather(List<RoomEvent> ordered, List<RawConnection> connections, long now, AttendanceSettings settings)
    {
        var evidence = new Evidence();
        if (ordered.Count == 0)
        {
            return evidence;
        }
        var abandonAfter = Math.Max(1, (long)settings.AbandonAfter.TotalMilliseconds);
        var byEvent = new Dictionary<string, RawConnection>(StringComparer.Ordinal);
        var leftAt = new Dictionary<long, List<RawConnection>>();
        foreach (var c in connections)
        {
            foreach (var id in c.EventIds)
            {
                byEvent.TryAdd(id, c);
            }
            if (c.LeftAt is { } left)
            {
                if (!leftAt.TryGetValue(left, out var leaving))
                {
                    leftAt.Add(left, leaving = []);
                }
                leaving.Add(c);
            }
        }
        var joinOrder = connections.OrderBy(c => c.JoinedAt).ToList();
        var open = new Open(evidence);
        var nextJoin = 0;
        long? previous = null;

        void AddJoinedUpTo(long at, bool inclusive)
        {
            for (; nextJoin < joinOrder.Count && (joinOrder[nextJoin].JoinedAt < at || (inclusive && joinOrder[nextJoin].JoinedAt == at)); nextJoin++)
            {
                open.Add(joinOrder[nextJoin]);
            }
        }

        for (var i = 0; i < ordered.Count;)
        {
            var t = ordered[i].At;
            var last = i;
            var evidential = false;
            for (; last < ordered.Count && ordered[last].At == t; last++)
            {
                evidential |= ordered[last].Kind == RoomEventKind.SessionEnded || IsCounted(ordered[last]);
            }

            // A silence before this instant: what was open at the room's last event is lost.
            if (previous is { } before && t - before >= abandonAfter)
            {
                AddJoinedUpTo(before, inclusive: true);
                open.Abandon(before);
            }
            previous = t;
            if (!evidential)
            {
                i = last;
                continue;
            }

            // Open just before t: joined before it, not ended before it.
            AddJoinedUpTo(t, inclusive: false);
            open.RemoveEndedBefore(t);
            var joinsAt = new List<RawConnection>();
            for (var j = nextJoin; j < joinOrder.Count && joinOrder[j].JoinedAt == t; j++)
            {
                joinsAt.Add(joinOrder[j]);
            }
            var leavesAt = leftAt.TryGetValue(t, out var leaving) ? leaving.Where(c => open.Contains(c) || c.JoinedAt == t).ToList() : [];

            for (var k = i; k < last; k++)
            {
                var e = ordered[k];
                if (IsCounted(e))
                {
                    Counted(evidence, open, e, t, byEvent.GetValueOrDefault(e.Id), joinsAt, leavesAt);
                }
                else if (e.Kind == RoomEventKind.SessionEnded)
                {
                    Ended(evidence, open, t, joinsAt, leavesAt);
                }
            }
            i = last;
        }

        evidence.LastEventAt = previous;
        if (now - previous!.Value >= abandonAfter)
        {
            evidence.SilentNow = true;
            AddJoinedUpTo(previous.Value, inclusive: true);
            open.Abandon(previous.Value);
        }
        return evidence;
    }

    private static bool IsCounted(RoomEvent e) =>
        e.Kind is RoomEventKind.Joined or RoomEventKind.Left && (e.NumClients is not null || e.NumClientsByRoleName is not null);

    /// <summary>A <c>joined</c> or <c>left</c> with the room's size after it.</summary>
    private static void Counted(Evidence evidence, Open open, RoomEvent e, long t, RawConnection? own, List<RawConnection> joinsAt, List<RawConnection> leavesAt)
    {
        var isJoin = own is not null && e.Kind == RoomEventKind.Joined && own.JoinedAt == t;
        var isLeave = own is not null && e.Kind == RoomEventKind.Left && own.LeftAt == t;
        var byRole = UsableRoleCounts(e, open, joinsAt);
        if (byRole is null)
        {
            if (e.NumClients is not { } total)
            {
                return;
            }
            var (min, max) = Range(open, null, joinsAt, leavesAt, own, isJoin, isLeave);
            if (total < min)
            {
                open.Close(t, min - total, static _ => true);
            }
            var unseen = Math.Min(MaxUnseen, Math.Max(0, total - max));
            Record(evidence, new UnseenStep(t, unseen, unseen, null));
            return;
        }

        long people = 0, all = 0;
        var unseenByRole = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var role in byRole.Keys.Concat(open.Roles).Concat(joinsAt.Select(c => c.RoleName!)).Distinct(StringComparer.Ordinal).ToList())
        {
            var count = byRole.GetValueOrDefault(role);
            var (min, max) = Range(open, role, joinsAt, leavesAt, own, isJoin, isLeave);
            if (count < min)
            {
                open.Close(t, min - count, c => c.RoleName == role);
            }
            var unseen = Math.Min(MaxUnseen, Math.Max(0, count - max));
            if (unseen > 0)
            {
                unseenByRole[role] = unseen;
                all += unseen;
                people += Roles.IsPerson(role) ? unseen : 0;
            }
        }
        Record(evidence, new UnseenStep(t, people, all, unseenByRole));
    }

    /// <summary>
    /// The role counts when they can be read against the known connections: given, summing to
    /// <c>numClients</c> when that is given too, and every connection open then having a role.
    /// A role the counts do not name counts 0.
    /// </summary>
    private static Dictionary<string, long>? UsableRoleCounts(RoomEvent e, Open open, List<RawConnection> joinsAt)
    {
        if (e.NumClientsByRoleName is not { Count: > 0 } given)
        {
            return null;
        }
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long sum = 0;
        foreach (var (role, count) in given)
        {
            if (count < 0)
            {
                return null;
            }
            counts[role] = count;
            sum += count;
        }
        if ((e.NumClients is { } total && total != sum) || open.HasRoleless || joinsAt.Any(c => c.RoleName is null))
        {
            return null;
        }
        return counts;
    }

    /// <summary>
    /// How many known connections (of <paramref name="role"/>, or all) can be open right after the
    /// event: its millisecond's other joins and leaves may have come before or after it.
    /// </summary>
    private static (long Min, long Max) Range(Open open, string? role, List<RawConnection> joinsAt, List<RawConnection> leavesAt, RawConnection? own, bool isJoin, bool isLeave)
    {
        bool Of(RawConnection c) => role is null || c.RoleName == role;
        long before = open.CountOf(role);
        long joins = joinsAt.Count(Of);
        long leaves = leavesAt.Count(Of);
        var ownCounts = own is not null && Of(own);
        return (before + (isJoin && ownCounts ? 1 : 0) - leaves, before + joins - (isLeave && ownCounts ? 1 : 0));
    }

    /// <summary>A <c>room.session.ended</c>: fewer than two people remain.</summary>
    private static void Ended(Evidence evidence, Open open, long t, List<RawConnection> joinsAt, List<RawConnection> leavesAt)
    {
        var known = open.People - leavesAt.Count(c => c.IsPerson && c.JoinedAt < t) + joinsAt.Count(c => c.IsPerson && c.LeftAt != t);
        var unseen = evidence.UnseenAt(t);
        if (unseen is { People: > 0 } && known + unseen.People >= 2)
        {
            // Unseen people are the least certain: they go first.
            var people = Math.Max(0, 1 - known);
            Record(evidence, unseen with { At = t, People = people, Total = unseen.Total - (unseen.People - people) });
        }
        if (known >= 2)
        {
            open.Close(t, known - 1, static c => c.IsPerson);
        }
    }

    private static void Record(Evidence evidence, UnseenStep step)
    {
        var current = evidence.Unseen.Count > 0 ? evidence.Unseen[^1] : null;
        if (current is not null && current.At == step.At)
        {
            evidence.Unseen[^1] = step;
        }
        else if (current is not null ? current.Total != step.Total || current.People != step.People || !SameRoles(current.ByRole, step.ByRole) : step.Total > 0)
        {
            // A count that only now says the unseen's roles is news too (presence shows them by role).
            evidence.Unseen.Add(step);
        }
    }

    private static bool SameRoles(IReadOnlyDictionary<string, long>? a, IReadOnlyDictionary<string, long>? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Count == b.Count && a.All(r => b.TryGetValue(r.Key, out var n) && n == r.Value);

    /// <summary>The connections open at the sweep's instant, counted by role as they come and go.</summary>
    private sealed class Open(Evidence evidence)
    {
        private readonly HashSet<RawConnection> _members = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<string, int> _byRole = new(StringComparer.Ordinal);

        public int People { get; private set; }

        public bool HasRoleless => _byRole.GetValueOrDefault("") > 0;

        public IEnumerable<string> Roles => _byRole.Where(r => r.Value > 0 && r.Key.Length > 0).Select(r => r.Key);

        public bool Contains(RawConnection c) => _members.Contains(c);

        public int CountOf(string? role) => role is null ? _members.Count : _byRole.GetValueOrDefault(role);

        public void Add(RawConnection c)
        {
            if (_members.Add(c))
            {
                Change(c, +1);
            }
        }

        public void RemoveEndedBefore(long t)
        {
            foreach (var c in _members.Where(c => evidence.EndOf(c) < t).ToList())
            {
                Remove(c);
            }
        }

        /// <summary>
        /// Closes <paramref name="count"/> connections at <paramref name="t"/>: of those without any
        /// <c>left</c>, open before <paramref name="t"/>, the most recently joined first (the one
        /// who stays is the room's owner, who came first).
        /// </summary>
        public void Close(long t, long count, Func<RawConnection, bool> of)
        {
            var candidates = _members
                .Where(c => c.LeftAt is null && c.JoinedAt < t && of(c))
                .OrderByDescending(c => c.JoinedAt)
                .ThenByDescending(c => c.ParticipantId, StringComparer.Ordinal)
                .Take((int)Math.Min(count, int.MaxValue))
                .ToList();
            foreach (var c in candidates)
            {
                evidence.ClosedAt[c] = t;
                Remove(c);
            }
        }

        /// <summary>After a silence: every connection still open without a <c>left</c> is lost; unseen ones too.</summary>
        public void Abandon(long lastEventAt)
        {
            foreach (var c in _members.Where(c => c.LeftAt is null).ToList())
            {
                evidence.AbandonedAt[c] = lastEventAt;
                Remove(c);
            }
            if (evidence.Unseen.Count > 0 && evidence.Unseen[^1].Total > 0)
            {
                evidence.Unseen.Add(new UnseenStep(lastEventAt, 0, 0, null));
            }
        }

        private void Remove(RawConnection c)
        {
            if (_members.Remove(c))
            {
                Change(c, -1);
            }
        }

        private void Change(RawConnection c, int delta)
        {
            var role = c.RoleName ?? "";
            _byRole[role] = _byRole.GetValueOrDefault(role) + delta;
            People += c.IsPerson ? delta : 0;
        }
    }
}

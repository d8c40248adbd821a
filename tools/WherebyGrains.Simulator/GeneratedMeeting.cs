using System.Security.Cryptography;
using System.Text;
using WherebyGrains.Attendance;

namespace WherebyGrains.Simulator;

/// <summary>How a generated person identifies.</summary>
public enum Identity
{
    /// <summary>By externalId.</summary>
    External,

    /// <summary>By metadata signed with the tenant's key.</summary>
    SignedMetadata,

    /// <summary>By metadata whose signature is forged: never an identity.</summary>
    ForgedMetadata,

    /// <summary>By nothing: each connection stands alone.</summary>
    Anonymous,
}

/// <summary>What kind of room a generated history is.</summary>
public enum RoomShape
{
    /// <summary>Classes on the hour: 1–3 sessions held open by two anchors or by a host who stays across them, guests who come and go.</summary>
    Meeting,

    /// <summary>A clinician's room: the clinician stays all day, patients knock and come in one at a time, the clinician alone between them.</summary>
    Telehealth,

    /// <summary>A classroom: the teacher stays between lessons, students come and go.</summary>
    Classroom,
}

/// <summary>What of the room's counts (<c>numClients</c>, <c>numClientsByRoleName</c>) the client events of a generated room carry.</summary>
public enum CountsShape
{
    /// <summary>Neither, as in old payloads.</summary>
    None,

    /// <summary>Only <c>numClients</c>.</summary>
    Total,

    /// <summary>Both, on every event.</summary>
    ByRole,

    /// <summary>Per event: both, only the total, or neither.</summary>
    Mixed,
}

/// <summary>One generated connection: its ground truth and what of it was delivered.</summary>
/// <param name="ParticipantId">Whereby's participantId (2022 payloads carry none: the rules name it <c>anon-&lt;JoinEventId&gt;</c>).</param>
/// <param name="Person">The index of its person in <see cref="GeneratedMeeting.People"/>; -1 for a machine.</param>
/// <param name="RoleName">Its Whereby role.</param>
/// <param name="IsPerson">False for a machine role.</param>
/// <param name="JoinedAt">When it really joined (Unix ms, whole seconds).</param>
/// <param name="LeftAt">When it really left.</param>
/// <param name="JoinDelivered">Whether its <c>joined</c> was delivered.</param>
/// <param name="LeftDelivered">Whether its <c>left</c> was delivered.</param>
/// <param name="JoinEventId">The id of its <c>joined</c>.</param>
/// <param name="LeftEventId">The id of its <c>left</c>.</param>
public sealed record GenConnection(
    string ParticipantId,
    int Person,
    string RoleName,
    bool IsPerson,
    long JoinedAt,
    long LeftAt,
    bool JoinDelivered,
    bool LeftDelivered,
    string JoinEventId,
    string LeftEventId);

/// <summary>One real session (a run of the true room holding 2 or more people) and which of Whereby's session events were delivered.</summary>
/// <param name="Index">Its index in the room, oldest first.</param>
/// <param name="Start">When the room really reached 2 people.</param>
/// <param name="End">When it really dropped below 2 for good (for longer than the grace).</param>
/// <param name="StartedAt">When its delivered <c>room.session.started</c> was created; null when lost.</param>
/// <param name="EndedAt">When its delivered <c>room.session.ended</c> was created; null when lost.</param>
public sealed record GenSession(int Index, long Start, long End, long? StartedAt, long? EndedAt);

/// <summary>A knock from the waiting room.</summary>
/// <param name="ParticipantId">The knocking connection (it joins when admitted).</param>
/// <param name="At">When it knocked.</param>
/// <param name="CancelledAt">When its delivered <c>knockCancelled</c> came; null when admitted, or when the cancel was lost.</param>
public sealed record GenKnock(string ParticipantId, long At, long? CancelledAt);

/// <summary>
/// A random but realistic history of one room: classes with anchors, guests who rejoin and open two
/// tabs, recorders and streamers (<see cref="RoomShape.Meeting"/>, also as 2022 payloads without
/// ids); a clinician between patients (<see cref="RoomShape.Telehealth"/>); a teacher between
/// lessons (<see cref="RoomShape.Classroom"/>). What is lost in delivery: <c>left</c>s (revealed
/// later by the room's counts, a <c>room.session.ended</c>, or the room's silence), a
/// <c>joined</c> (its <c>left</c> delivered, the counts show an unseen connection), session events.
/// Session events with and without <c>roomSessionId</c> in every combination with the clients' ids.
/// Times are whole seconds, so the oracle can count seconds; client events are at distinct
/// seconds (see <see cref="Generate"/>). Deterministic per seed.
/// </summary>
public sealed class GeneratedMeeting
{
    /// <summary>The tenant's metadata key that signs the <see cref="Identity.SignedMetadata"/> people.</summary>
    public static readonly byte[] MetadataKey = "tenant-metadata-key"u8.ToArray();

    /// <summary>The end grace of <see cref="Settings"/>, ms.</summary>
    public static readonly long Grace = 60_000;

    /// <summary>
    /// The silence after which <see cref="Settings"/> abandons connections still open: longer than
    /// any quiet stretch inside a generated room (a stayer alone between sessions is silent for at
    /// most 3 hours), so that only the room's final silence abandons anything.
    /// </summary>
    public static readonly TimeSpan AbandonAfter = TimeSpan.FromHours(6);

    private static readonly long T0 = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>The seed it was generated from.</summary>
    public required int Seed { get; init; }

    /// <summary>What kind of room.</summary>
    public required RoomShape Shape { get; init; }

    /// <summary>True for 2022 payloads: no participantId, roomSessionId, externalId or counts.</summary>
    public required bool Legacy { get; init; }

    /// <summary>What counts the client events carry.</summary>
    public required CountsShape Counts { get; init; }

    /// <summary>Whether the clients' events carry the <c>roomSessionId</c> of the session they happen in.</summary>
    public required bool ClientSessionIds { get; init; }

    /// <summary>Whether <c>room.session.started</c>/<c>ended</c> carry the <c>roomSessionId</c>.</summary>
    public required bool SessionEventIds { get; init; }

    /// <summary>The people, by index, and how each identifies.</summary>
    public required List<Identity> People { get; init; }

    /// <summary>The real sessions, oldest first.</summary>
    public required List<GenSession> Sessions { get; init; }

    /// <summary>Every real connection, delivered or not.</summary>
    public required List<GenConnection> Connections { get; init; }

    /// <summary>Knocks.</summary>
    public required List<GenKnock> Knocks { get; init; }

    /// <summary>The delivered events.</summary>
    public required List<RoomEvent> Events { get; init; }

    /// <summary>When the results are read: either within <see cref="AbandonAfter"/> of the last event (lost connections still open) or after it (abandoned).</summary>
    public required long Now { get; init; }

    /// <summary>
    /// How many consecutive seeds share one cohort of people: a group that meets in a few rooms
    /// (a class's lessons of a day), so that people attend across rooms, as real people do,
    /// without a handful of people attending every room of a tenant.
    /// </summary>
    public const int MeetingsPerCohort = 4;

    /// <summary>The most people a meeting has (at least 3).</summary>
    public const int MaxPeople = 7;

    /// <summary>The person key of person <paramref name="person"/> of the meeting of <paramref name="seed"/> when it identifies as <paramref name="identity"/> (null: none, its connections stand alone).</summary>
    public static string? PersonKey(int seed, int person, Identity identity) => identity switch
    {
        Identity.External => $"user-{seed / MeetingsPerCohort}-{person}",
        Identity.SignedMetadata => $"mrn-{seed / MeetingsPerCohort}-{person}",
        _ => null,
    };

    /// <summary>Whereby's <c>roomSessionId</c> of session <paramref name="index"/> of the meeting of <paramref name="seed"/>: a UUID, unique to the meeting, as Whereby's are.</summary>
    public static string SessionId(int seed, int index) => $"{seed:x8}-0000-4000-8000-{index:x12}";

    /// <summary>The rules' settings the generated meetings are read with.</summary>
    public static AttendanceSettings Settings { get; } =
        new(TimeSpan.FromMilliseconds(Grace), new SignedMetadata([MetadataKey], TimeSpan.FromDays(30), TimeSpan.FromMinutes(5))) { AbandonAfter = AbandonAfter };

    /// <summary>
    /// The service's defaults (api.md: one minute of grace, 12 hours to abandon) with the tenant's
    /// metadata key: what a silo reads the simulator's rooms with, against the clock.
    /// </summary>
    public static AttendanceSettings ServiceSettings { get; } = Settings with { AbandonAfter = TimeSpan.FromHours(12) };

    /// <summary>The time of the last delivered event.</summary>
    public long LastEventAt => Events.Max(e => e.At);

    /// <inheritdoc />
    public override string ToString() =>
        $"seed {Seed}: {Shape}, {(Legacy ? "2022 payloads" : "current payloads")}, counts {Counts}, ids on clients {ClientSessionIds} / session events {SessionEventIds}, " +
        $"{Sessions.Count} sessions, {Connections.Count} connections, {Connections.Count(c => !c.LeftDelivered)} lost lefts, {Connections.Count(c => !c.JoinDelivered)} lost joins, " +
        $"now {(Now - LastEventAt) / 60_000} min after the last event; sessions {string.Join("; ", Sessions.Select(s => $"[{s.Start}-{s.End}] started:{s.StartedAt} ended:{s.EndedAt}"))}";

    /// <summary>
    /// Generates the room history of <paramref name="seed"/>, starting near <paramref name="origin"/>
    /// (default a fixed day), of the given <paramref name="shape"/> (default: drawn from the seed).
    /// A room spans at most about 10 hours.
    /// </summary>
    /// <remarks>
    /// The rules must guess in places (which of several open connections the counts close: the most
    /// recently joined; who an <c>ended</c> keeps: the earliest joined). A generated room only loses
    /// an event where that guess is right: after drawing the losses, it asks the oracle whether the
    /// rules' picture of the room ever departs from the truth in a way the evidence cannot settle
    /// (a closure of someone still there, a ghost that merges two sessions or spills into another,
    /// an unseen connection at an <c>ended</c>), and delivers the events of the connections
    /// involved instead, until none does.
    /// </remarks>
    public static GeneratedMeeting Generate(int seed, DateTimeOffset? origin = null, RoomShape? shape = null)
    {
        var random = new Random(seed);
        var drawn = random.Next(4) switch { 0 or 1 => RoomShape.Meeting, 2 => RoomShape.Telehealth, _ => RoomShape.Classroom };
        return GenerateShape(seed, random, origin, shape ?? drawn);
    }

    private static GeneratedMeeting GenerateShape(int seed, Random random, DateTimeOffset? origin, RoomShape shape)
    {
        var legacy = shape == RoomShape.Meeting && random.Next(4) == 0;
        // A cohort's people identify the same way in each of its meetings, as a class's students do.
        var cohort = new Random(seed / MeetingsPerCohort);
        var people = Enumerable.Range(0, MaxPeople).Select(_ => (Identity)cohort.Next(4)).Take(random.Next(3, MaxPeople + 1)).ToList();
        var start = origin is { } o ? o.ToUnixTimeSeconds() * 1000 : T0;
        var b = new Builder(seed, random);
        switch (shape)
        {
            case RoomShape.Meeting:
                BuildMeeting(b, people.Count, start);
                break;
            case RoomShape.Telehealth:
                BuildTelehealth(b, people.Count, start);
                break;
            default:
                BuildClassroom(b, people.Count, start);
                break;
        }

        var counts = legacy ? CountsShape.None : (CountsShape)random.Next(4);
        var clientIds = !legacy && random.Next(3) != 0;
        var sessionIds = !legacy && random.Next(2) == 0;
        // Each event's share of the counts, drawn once, so that redelivering a lost event changes nothing else.
        var flavour = new Dictionary<string, CountsShape>();
        foreach (var c in b.Connections)
        {
            foreach (var id in new[] { c.JoinEventId, c.LeftEventId })
            {
                flavour[id] = counts == CountsShape.Mixed ? (CountsShape)random.Next(3) : counts;
            }
        }

        // The real sessions: runs of 2 or more people connections, a dip shorter than the grace inside one.
        var runs = Runs(b.Connections);
        var sessions = new List<GenSession>();
        foreach (var (runStart, runEnd) in runs)
        {
            // Whereby's 'started' with an id may come a moment after the room filled; an id-less one is
            // placed at the very instant, where the rules' "session live at its createdAt" has no doubt.
            long? startedAt = random.Next(5) < 3 ? runStart + (sessionIds ? random.Next(0, 4) * 1000L : 0) : null;
            long? endedAt = random.Next(5) < 3 ? b.Take(runEnd + random.Next(0, 40) * 1000L) : null;
            sessions.Add(new GenSession(sessions.Count, runStart, runEnd, startedAt, endedAt));
        }

        // Losses. Lefts: any connection, more often the patient's and the stayer's (the shapes issue 16
        // is about); joins: a connection wholly inside a session that is not what holds it open.
        var connections = b.Connections.ToList();
        for (var i = 0; i < connections.Count; i++)
        {
            var c = connections[i];
            var odds = b.Stayers.Contains(c.ParticipantId) ? 2 : shape == RoomShape.Telehealth && c.RoleName == "visitor" ? 3 : 6;
            if (random.Next(odds) == 0)
            {
                connections[i] = c with { LeftDelivered = false };
            }
        }
        if (!legacy && random.Next(3) == 0)
        {
            var inside = connections.Where(c => c.IsPerson && c.LeftDelivered && b.Extras.Contains(c.ParticipantId)
                && sessions.Any(s => c.JoinedAt > s.Start && c.LeftAt < s.End)).ToList();
            if (inside.Count > 0)
            {
                var lost = inside[random.Next(inside.Count)];
                connections[connections.IndexOf(lost)] = lost with { JoinDelivered = false };
                // Its 'left' is what tells the rules it is gone: it always carries the counts it can.
                flavour[lost.LeftEventId] = counts == CountsShape.Mixed ? CountsShape.ByRole : counts;
            }
        }
        var afterAbandon = random.Next(3) != 0;

        for (var attempt = 0; ; attempt++)
        {
            var meeting = Assemble(seed, shape, legacy, counts, clientIds, sessionIds, people, sessions, connections, b.Knocks, flavour, afterAbandon);
            var issues = MeetingOracle.Ambiguities(meeting);
            if (issues.Count == 0)
            {
                return meeting;
            }
            var all = issues.Contains(MeetingOracle.Everything) || attempt >= 8;
            connections = [.. connections.Select(c => all || issues.Contains(c.ParticipantId) ? c with { JoinDelivered = true, LeftDelivered = true } : c)];
            if (all && attempt > 8)
            {
                throw new InvalidOperationException($"seed {seed}: the generator found no unambiguous delivery: {string.Join(", ", issues)}");
            }
        }
    }

    /// <summary>
    /// A room of a hand-written ground truth, assembled as <see cref="Generate"/> assembles its
    /// rooms (the counts from the truth, the ids from the real sessions): for examples computed by
    /// hand. The real sessions are the truth's runs; <paramref name="sessionEvents"/> gives, for
    /// each in turn, when its delivered <c>started</c>/<c>ended</c> came (null: lost).
    /// </summary>
    public static GeneratedMeeting FromTruth(
        IReadOnlyList<GenConnection> connections,
        IReadOnlyList<(long? StartedAt, long? EndedAt)> sessionEvents,
        CountsShape counts,
        bool clientSessionIds,
        bool sessionEventIds,
        long now,
        IReadOnlyList<GenKnock>? knocks = null,
        List<Identity>? people = null,
        int seed = 0)
    {
        var runs = Runs(connections);
        var sessions = runs.Select((r, i) => new GenSession(i, r.Start, r.End, i < sessionEvents.Count ? sessionEvents[i].StartedAt : null, i < sessionEvents.Count ? sessionEvents[i].EndedAt : null)).ToList();
        var flavour = connections.SelectMany(c => new[] { c.JoinEventId, c.LeftEventId }).ToDictionary(id => id, _ => counts);
        var built = Assemble(seed, RoomShape.Meeting, false, counts, clientSessionIds, sessionEventIds, people ?? [.. Enumerable.Repeat(Identity.External, MaxPeople)],
            sessions, [.. connections], [.. knocks ?? []], flavour, false);
        return new GeneratedMeeting
        {
            Seed = built.Seed, Shape = built.Shape, Legacy = false, Counts = counts, ClientSessionIds = clientSessionIds, SessionEventIds = sessionEventIds,
            People = built.People, Sessions = built.Sessions, Connections = built.Connections, Knocks = built.Knocks, Events = built.Events, Now = now,
        };
    }

    private static GeneratedMeeting Assemble(
        int seed, RoomShape shape, bool legacy, CountsShape counts, bool clientIds, bool sessionIds, List<Identity> people,
        List<GenSession> sessions, List<GenConnection> connections, List<GenKnock> knocks, Dictionary<string, CountsShape> flavour, bool afterAbandon)
    {
        var events = new List<RoomEvent>();
        string? SessionAt(long at, bool leaving) =>
            !clientIds ? null
            : sessions.FirstOrDefault(s => leaving ? s.Start < at && at <= s.End : s.Start <= at && at < s.End) is { } s ? SessionId(seed, s.Index) : null;
        foreach (var c in connections)
        {
            if (c.JoinDelivered)
            {
                events.Add(ClientEvent(seed, c, RoomEventKind.Joined, c.JoinEventId, c.JoinedAt, SessionAt(c.JoinedAt, false), people, legacy, CountsAt(connections, c.JoinedAt, flavour[c.JoinEventId])));
            }
            if (c.LeftDelivered)
            {
                events.Add(ClientEvent(seed, c, RoomEventKind.Left, c.LeftEventId, c.LeftAt, SessionAt(c.LeftAt, true), people, legacy, CountsAt(connections, c.LeftAt, flavour[c.LeftEventId])));
            }
        }
        foreach (var s in sessions)
        {
            var id = sessionIds ? SessionId(seed, s.Index) : null;
            if (s.StartedAt is { } startedAt)
            {
                events.Add(new RoomEvent { Id = $"{seed:x8}s{s.Index:x3}start", Kind = RoomEventKind.SessionStarted, At = startedAt, RoomSessionId = id });
            }
            if (s.EndedAt is { } endedAt)
            {
                events.Add(new RoomEvent { Id = $"{seed:x8}s{s.Index:x3}end", Kind = RoomEventKind.SessionEnded, At = endedAt, RoomSessionId = id });
            }
        }
        if (!legacy)
        {
            foreach (var k in knocks)
            {
                events.Add(new RoomEvent { Id = $"{k.ParticipantId}-knock", Kind = RoomEventKind.Knocked, At = k.At, ParticipantId = k.ParticipantId, RoleName = "visitor", DisplayName = "Waiting" });
                if (k.CancelledAt is { } cancelled)
                {
                    events.Add(new RoomEvent { Id = $"{k.ParticipantId}-cancel", Kind = RoomEventKind.KnockCancelled, At = cancelled, ParticipantId = k.ParticipantId, RoleName = "visitor", DisplayName = "Waiting" });
                }
            }
        }
        var last = events.Max(e => e.At);
        return new GeneratedMeeting
        {
            Seed = seed,
            Shape = shape,
            Legacy = legacy,
            Counts = counts,
            ClientSessionIds = clientIds,
            SessionEventIds = sessionIds,
            People = people,
            Sessions = sessions,
            Connections = connections,
            Knocks = knocks,
            Events = events,
            Now = last + (afterAbandon ? (long)AbandonAfter.TotalMilliseconds + 600_000 : 1_200_000),
        };
    }

    /// <summary>The room's true counts right after the client event at <paramref name="at"/> (no other client event shares its second), as much of them as the event carries.</summary>
    private static (int? Total, Dictionary<string, int>? ByRole) CountsAt(List<GenConnection> connections, long at, CountsShape flavour)
    {
        if (flavour is CountsShape.None or CountsShape.Mixed)
        {
            return (null, null);
        }
        var open = connections.Where(c => c.JoinedAt <= at && at < c.LeftAt).ToList();
        var byRole = open.GroupBy(c => c.RoleName).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return (open.Count, flavour == CountsShape.ByRole ? byRole : null);
    }

    /// <summary>The runs of 2 or more people connections (half-open, whole seconds), merged across dips shorter than the grace.</summary>
    internal static List<(long Start, long End)> Runs(IEnumerable<GenConnection> connections)
    {
        var people = connections.Where(c => c.IsPerson).ToList();
        var from = people.Min(c => c.JoinedAt);
        var to = people.Max(c => c.LeftAt);
        var count = new int[(to - from) / 1000 + 1];
        foreach (var c in people)
        {
            for (var t = c.JoinedAt; t < c.LeftAt; t += 1000)
            {
                count[(t - from) / 1000]++;
            }
        }
        var runs = new List<(long, long)>();
        long? start = null;
        long? drop = null;
        for (var i = 0; i < count.Length; i++)
        {
            var t = from + i * 1000L;
            if (count[i] >= 2)
            {
                start ??= t;
                drop = null;
            }
            else if (start is not null)
            {
                drop ??= t;
                if (t - drop + 1000 >= Grace || i == count.Length - 1)
                {
                    runs.Add((start.Value, drop.Value));
                    start = drop = null;
                }
            }
        }
        return runs;
    }

    private static void BuildMeeting(Builder b, int peopleCount, long origin)
    {
        var random = b.Random;
        var sessionCount = random.Next(1, 4);
        // A host who joins before the first session and leaves after the last, alone between them.
        var stayer = sessionCount > 1 && random.Next(2) == 0 ? random.Next(peopleCount) : -1;
        var cursor = origin;
        var windows = new List<(long Start, long End)>();
        for (var k = 0; k < sessionCount; k++)
        {
            // With a stayer the gaps are the hours she waits alone (at most 2, so that a room spans
            // at most about 10 hours: read a day later, it has been silent for AbandonAfter).
            var gap = stayer >= 0 && k > 0 ? random.Next(180, 2 * 3600) : random.Next(0, 3600) + 600;
            var start = cursor + gap * 1000L;
            var end = start + random.Next(300, 3600) * 1000L;
            windows.Add((start, end));
            cursor = end + 300_000;
        }
        if (stayer >= 0)
        {
            b.Stay(stayer, stayer % 2 == 0 ? "host" : "visitor", windows[0].Start - random.Next(60, 1800) * 1000L, windows[^1].End + random.Next(60, 1800) * 1000L);
        }
        foreach (var (start, end) in windows)
        {
            // With a stayer, she is the first anchor: the second is someone else (not her second tab).
            var first = stayer >= 0 ? stayer : random.Next(peopleCount);
            var second = (first + 1 + random.Next(peopleCount - 1)) % peopleCount;
            if (stayer < 0)
            {
                // Anchor one waits alone, anchor two's join starts the session; the first may linger
                // alone a little (which does not keep the session open).
                b.Anchor(first, Role(first), start - random.Next(0, 300) * 1000L, end + random.Next(0, 40) * 1000L);
            }
            b.Anchor(second, Role(second), start, end);
            foreach (var person in Enumerable.Range(0, peopleCount))
            {
                for (var c = random.Next(0, 3); c > 0; c--)
                {
                    var join = start + random.Next(0, (int)((end - start) / 1000)) * 1000L;
                    var leave = join + random.Next(1, (int)((end - join) / 1000) + 1) * 1000L;
                    b.Extra(person, Role(person), join, leave);
                }
            }
            if (random.Next(3) == 0)
            {
                var join = start + random.Next(0, (int)((end - start) / 1000)) * 1000L;
                b.Machine(random.Next(3) == 0 ? "streamer" : "recorder", join, end + random.Next(0, 120) * 1000L);
            }
            // A knock that is cancelled: not a connection (2022 payloads have no knocks).
            var knocked = b.Take(start + 1000);
            b.Knocks.Add(new GenKnock(b.NextId("knock"), knocked, b.Take(knocked + 1000)));
        }

        static string Role(int person) => person % 2 == 0 ? "host" : "visitor";
    }

    private static void BuildTelehealth(Builder b, int peopleCount, long origin)
    {
        var random = b.Random;
        var clinicianJoins = origin + random.Next(0, 1800) * 1000L;
        var t = clinicianJoins + random.Next(60, 900) * 1000L;
        var visits = random.Next(2, 7);
        // The day fits in about 9 hours whatever the number of visits (see BuildMeeting).
        var gapMax = Math.Max(240, Math.Min(3 * 3600, 9 * 3600 / visits - 55 * 60));
        for (var v = 0; v < visits; v++)
        {
            var patient = 1 + v % (peopleCount - 1);
            // Someone who knocks and gives up before being let in (the cancel itself may be lost).
            if (random.Next(5) == 0)
            {
                var knocked = b.Take(t);
                b.Knocks.Add(new GenKnock($"gaveup-{v}-{b.Seed:x}", knocked, random.Next(4) == 0 ? null : b.Take(knocked + random.Next(30, 300) * 1000L)));
                t = knocked + 400_000;
            }
            var pid = b.NextId("patient");
            var knock = b.Take(t);
            b.Knocks.Add(new GenKnock(pid, knock, null));
            var join = knock + random.Next(10, 300) * 1000L;
            var leave = join + random.Next(5 * 60, 40 * 60) * 1000L;
            if (random.Next(4) == 0)
            {
                // The patient's connection drops and comes back: a new participantId, a dip shorter than the grace.
                var drop = join + random.Next(60, (int)((leave - join) / 2000)) * 1000L;
                b.Anchor(patient, "visitor", join, drop, pid);
                b.Anchor(patient, "visitor", drop + random.Next(5, 30) * 1000L, leave);
            }
            else
            {
                b.Anchor(patient, "visitor", join, leave, pid);
            }
            if (random.Next(4) == 0)
            {
                // A relative joins the call for a while.
                var companion = (patient % (peopleCount - 1)) + 1;
                var from = join + random.Next(30, 120) * 1000L;
                b.Extra(companion == patient ? 0 : companion, "visitor", from, from + random.Next(60, (int)((leave - from) / 1000) - 30) * 1000L);
            }
            if (random.Next(4) == 0)
            {
                b.Machine("recorder", join + 5000, leave + random.Next(0, 60) * 1000L);
            }
            t = leave + random.Next(120, gapMax) * 1000L;
        }
        b.Stay(0, "host", clinicianJoins, b.LastLeave + random.Next(60, 1800) * 1000L);
    }

    private static void BuildClassroom(Builder b, int peopleCount, long origin)
    {
        var random = b.Random;
        var teacherJoins = origin + random.Next(0, 1800) * 1000L;
        var lesson = teacherJoins + random.Next(300, 1200) * 1000L;
        var lessons = random.Next(2, 5);
        for (var l = 0; l < lessons; l++)
        {
            var length = random.Next(20 * 60, 50 * 60) * 1000L;
            var end = lesson + length;
            // The first student in opens the lesson and stays to its end; the others come and go.
            b.Anchor(1 + random.Next(peopleCount - 1), "visitor", lesson, end);
            for (var student = 1; student < peopleCount; student++)
            {
                if (random.Next(4) == 0)
                {
                    continue;
                }
                var join = lesson + random.Next(-120, 600) * 1000L;
                var leave = Math.Min(end - 1000, join + random.Next(300, (int)(length / 1000)) * 1000L);
                if (leave <= join + 1000)
                {
                    continue;
                }
                if (join > lesson + 300_000 && random.Next(2) == 0)
                {
                    // A late student knocks and is let in.
                    var pid = b.NextId("late");
                    b.Knocks.Add(new GenKnock(pid, b.Take(join - random.Next(5, 60) * 1000L), null));
                    b.Extra(student, "visitor", join, leave, pid);
                }
                else if (random.Next(5) == 0 && leave - join > 240_000)
                {
                    // Drops and rejoins a minute later.
                    var drop = join + 120_000;
                    b.Extra(student, "visitor", join, drop);
                    b.Extra(student, "visitor", drop + 60_000, leave);
                }
                else
                {
                    b.Extra(student, "visitor", join, leave);
                }
            }
            if (random.Next(3) == 0)
            {
                b.Machine(random.Next(2) == 0 ? "streamer" : "recorder", lesson + 10_000, end + random.Next(0, 60) * 1000L);
            }
            lesson = end + random.Next(300, (lessons <= 2 ? 3 : 1) * 3600) * 1000L;
        }
        b.Stay(0, "host", teacherJoins, b.LastLeave + random.Next(60, 1200) * 1000L);
    }

    /// <summary>Builds a room's true connections at distinct seconds.</summary>
    private sealed class Builder(int seed, Random random)
    {
        private readonly HashSet<long> _taken = [];
        private int _next;

        public int Seed => seed;
        public Random Random => random;
        public List<GenConnection> Connections { get; } = [];
        public List<GenKnock> Knocks { get; } = [];

        /// <summary>Those who stay across sessions.</summary>
        public HashSet<string> Stayers { get; } = [];

        /// <summary>Those who do not hold a session open (a lost join of one changes no session).</summary>
        public HashSet<string> Extras { get; } = [];

        public long LastLeave => Connections.Max(c => c.LeftAt);

        public string NextId(string kind) => $"{kind}-{_next++}-{seed:x}";

        /// <summary>
        /// The first free second at or after <paramref name="at"/>. Client events (and Whereby's
        /// <c>ended</c>) never share a second: "right after the event" is then the room's true state
        /// without a doubt about the order of simultaneous events, which the rules only take as a
        /// range (hand-written tests cover those).
        /// </summary>
        public long Take(long at)
        {
            at = at / 1000 * 1000;
            while (!_taken.Add(at))
            {
                at += 1000;
            }
            return at;
        }

        public void Stay(int person, string role, long join, long leave) => Stayers.Add(Add(person, role, true, join, leave, null).ParticipantId);

        public void Anchor(int person, string role, long join, long leave, string? pid = null) => Add(person, role, true, join, leave, pid);

        public void Extra(int person, string role, long join, long leave, string? pid = null) => Extras.Add(Add(person, role, true, join, leave, pid).ParticipantId);

        public void Machine(string role, long join, long leave) => Add(-1, role, false, join, leave, null);

        private GenConnection Add(int person, string role, bool isPerson, long join, long leave, string? pid)
        {
            join = Take(join);
            leave = Take(Math.Max(leave, join + 1000));
            var id = pid ?? NextId("p");
            var c = new GenConnection(id, person, role, isPerson, join, leave, true, true, $"{seed:x8}{_next++:x8}", $"{seed:x8}{_next++:x8}");
            Connections.Add(c);
            return c;
        }
    }

    private static RoomEvent ClientEvent(int seed, GenConnection c, RoomEventKind kind, string id, long at, string? session, List<Identity> people, bool legacy, (int? Total, Dictionary<string, int>? ByRole) counts)
    {
        var identity = c.Person < 0 ? Identity.Anonymous : people[c.Person];
        string? metadata = identity switch
        {
            Identity.SignedMetadata => SignMetadata(PersonKey(seed, c.Person, identity)!, at / 1000 - 3600, MetadataKey),
            Identity.ForgedMetadata => SignMetadata(PersonKey(seed, c.Person, Identity.SignedMetadata)!, at / 1000 - 3600, "not-the-key"u8.ToArray()),
            _ => null,
        };
        if (legacy)
        {
            // 2022: no participantId, session id, externalId, name or counts; a per-connection
            // metadata keeps each join paired with its own leave.
            return new RoomEvent { Id = id, Kind = kind, At = at, RoleName = c.IsPerson ? "visitor" : "recorder", Metadata = $"conn-{c.ParticipantId}" };
        }
        return new RoomEvent
        {
            Id = id,
            Kind = kind,
            At = at,
            ParticipantId = c.ParticipantId,
            RoomSessionId = session,
            RoleName = c.RoleName,
            ExternalId = identity == Identity.External ? PersonKey(seed, c.Person, identity) : null,
            DisplayName = c.Person < 0 ? c.RoleName : $"Person {c.Person}",
            Metadata = metadata,
            NumClients = counts.Total,
            NumClientsByRoleName = counts.ByRole,
        };
    }

    /// <summary>Metadata as a tenant's app signs it: <c>value,unixSeconds,hex HMAC</c>.</summary>
    public static string SignMetadata(string value, long unixSeconds, byte[] key) =>
        $"{value},{unixSeconds},{Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{value},{unixSeconds}")))}";
}

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

/// <summary>One generated connection: its ground truth and what of it was delivered.</summary>
public sealed record GenConnection(
    string ParticipantId,
    int Session,
    int Person,
    bool IsPerson,
    long JoinedAt,
    long LeftAt,
    bool LeftDelivered,
    string JoinEventId,
    string LeftEventId);

/// <summary>One generated session: its real span and which of Whereby's session events were delivered.</summary>
public sealed record GenSession(int Index, long Start, long End, bool StartedDelivered, long? EndedAt);

/// <summary>
/// A random but realistic meeting history of one room: 1–3 sessions, each held open by two
/// anchors (one waiting alone first), with guests who come and go, rejoin, open two tabs at once,
/// a recorder, knocks, lost <c>left</c> events, lost session events, and either current payloads
/// or 2022 payloads without ids. Times are whole seconds, so the oracle can count seconds.
/// </summary>
public sealed class GeneratedMeeting
{
    public static readonly byte[] MetadataKey = "tenant-metadata-key"u8.ToArray();
    public static readonly long Grace = 60_000;
    private static readonly long T0 = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public required int Seed { get; init; }
    public required bool Legacy { get; init; }
    public required List<Identity> People { get; init; }
    public required List<GenSession> Sessions { get; init; }
    public required List<GenConnection> Connections { get; init; }
    public required List<RoomEvent> Events { get; init; }
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

    public static AttendanceSettings Settings { get; } =
        new(TimeSpan.FromMilliseconds(Grace), new SignedMetadata([MetadataKey], TimeSpan.FromDays(30), TimeSpan.FromMinutes(5)));

    public override string ToString() =>
        $"seed {Seed}: {(Legacy ? "2022 payloads" : "current payloads")}, {Sessions.Count} sessions, {Connections.Count} connections, " +
        $"{Connections.Count(c => !c.LeftDelivered)} lost lefts, sessions {string.Join("; ", Sessions.Select(s => $"[{s.Start}-{s.End}] started:{s.StartedDelivered} ended:{s.EndedAt}"))}";

    /// <summary>Generates the meeting of <paramref name="seed"/>, starting near <paramref name="origin"/> (default a fixed day).</summary>
    public static GeneratedMeeting Generate(int seed, DateTimeOffset? origin = null)
    {
        var random = new Random(seed);
        var legacy = random.Next(4) == 0;
        // A cohort's people identify the same way in each of its meetings, as a class's students do.
        var cohort = new Random(seed / MeetingsPerCohort);
        var people = Enumerable.Range(0, MaxPeople).Select(_ => (Identity)cohort.Next(4)).Take(random.Next(3, MaxPeople + 1)).ToList();
        var sessions = new List<GenSession>();
        var connections = new List<GenConnection>();
        var events = new List<RoomEvent>();
        var nextId = 0;
        string NewId() => $"{seed:x8}{nextId++:x8}";
        long Sec(long ms) => ms / 1000 * 1000;

        var cursor = origin is { } o ? o.ToUnixTimeSeconds() * 1000 : T0;
        var sessionCount = random.Next(1, 4);
        for (var k = 0; k < sessionCount; k++)
        {
            var start = Sec(cursor + random.Next(0, 3600) * 1000L + 600_000);
            var end = start + random.Next(300, 3600) * 1000L;
            var anchors = people.Count >= 2 ? (random.Next(people.Count), 0) : (0, 0);
            anchors.Item2 = (anchors.Item1 + 1 + random.Next(people.Count - 1)) % people.Count;

            var own = new List<GenConnection>();
            GenConnection Add(int person, bool isPerson, long join, long leave) =>
                new($"p{k}-{own.Count}-{seed:x}", k, person, isPerson, join, leave, true, NewId(), NewId());

            // Anchor one waits alone, anchor two's join starts the session; both stay to its end,
            // the first possibly lingering alone a little (which does not keep the session open).
            own.Add(Add(anchors.Item1, true, start - random.Next(0, 300) * 1000L, end + random.Next(0, 40) * 1000L));
            own.Add(Add(anchors.Item2, true, start, end));
            foreach (var person in Enumerable.Range(0, people.Count))
            {
                for (var c = random.Next(0, 3); c > 0; c--)
                {
                    var join = start + random.Next(0, (int)((end - start) / 1000)) * 1000L;
                    var leave = join + random.Next(1, (int)((end - join) / 1000) + 1) * 1000L;
                    own.Add(Add(person, true, join, leave));
                }
            }
            if (random.Next(3) == 0)
            {
                var join = start + random.Next(0, (int)((end - start) / 1000)) * 1000L;
                own.Add(Add(-1, false, join, end + random.Next(0, 120) * 1000L));
            }

            var startedDelivered = random.Next(5) < 3;
            long? endedAt = random.Next(5) < 3 ? end + random.Next(0, 50) * 1000L : null;

            // Lost lefts: any number when Whereby's 'ended' arrives (it closes them all); at most
            // one when it does not, so that the room can still be seen dropping below 2.
            var lossBudget = endedAt is null ? 1 : int.MaxValue;
            for (var i = 0; i < own.Count && lossBudget > 0; i++)
            {
                if (random.Next(6) == 0)
                {
                    own[i] = own[i] with { LeftDelivered = false };
                    if (own[i].IsPerson)
                    {
                        lossBudget--;
                    }
                }
            }

            sessions.Add(new GenSession(k, start, end, startedDelivered, endedAt));
            connections.AddRange(own);
            cursor = end + 300_000;
        }

        foreach (var c in connections)
        {
            var session = legacy ? null : SessionId(seed, c.Session);
            // Whereby has no session yet for someone alone in the room: the waiting anchor's join carries none.
            var joinSession = c.JoinedAt < sessions[c.Session].Start ? null : session;
            events.Add(ClientEvent(seed, c, RoomEventKind.Joined, c.JoinEventId, c.JoinedAt, joinSession, people, legacy));
            if (c.LeftDelivered)
            {
                events.Add(ClientEvent(seed, c, RoomEventKind.Left, c.LeftEventId, c.LeftAt, session, people, legacy));
            }
        }
        foreach (var s in sessions)
        {
            var id = legacy ? null : SessionId(seed, s.Index);
            if (s.StartedDelivered)
            {
                events.Add(new RoomEvent { Id = NewId(), Kind = RoomEventKind.SessionStarted, At = s.Start, RoomSessionId = id });
            }
            if (s.EndedAt is { } endedAt)
            {
                events.Add(new RoomEvent { Id = NewId(), Kind = RoomEventKind.SessionEnded, At = endedAt, RoomSessionId = id });
            }
            // A knock that is answered, and one that is cancelled: neither is a connection.
            if (!legacy)
            {
                events.Add(new RoomEvent { Id = NewId(), Kind = RoomEventKind.Knocked, At = s.Start + 1000, ParticipantId = $"knock-{s.Index}", RoleName = "visitor" });
                events.Add(new RoomEvent { Id = NewId(), Kind = RoomEventKind.KnockCancelled, At = s.Start + 2000, ParticipantId = $"knock-{s.Index}", RoleName = "visitor" });
            }
        }

        return new GeneratedMeeting
        {
            Seed = seed,
            Legacy = legacy,
            People = people,
            Sessions = sessions,
            Connections = connections,
            Events = events,
            Now = cursor + 3_600_000,
        };
    }

    private static RoomEvent ClientEvent(int seed, GenConnection c, RoomEventKind kind, string id, long at, string? session, List<Identity> people, bool legacy)
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
            // 2022: no participantId, session id, externalId or name; a per-connection metadata
            // keeps each join paired with its own leave.
            return new RoomEvent { Id = id, Kind = kind, At = at, RoleName = c.IsPerson ? "visitor" : "recorder", Metadata = $"conn-{c.ParticipantId}" };
        }
        return new RoomEvent
        {
            Id = id,
            Kind = kind,
            At = at,
            ParticipantId = c.ParticipantId,
            RoomSessionId = session,
            RoleName = c.IsPerson ? (c.Person % 2 == 0 ? "host" : "visitor") : "recorder",
            ExternalId = identity == Identity.External ? PersonKey(seed, c.Person, identity) : null,
            DisplayName = $"Person {c.Person}",
            Metadata = metadata,
        };
    }

    public static string SignMetadata(string value, long unixSeconds, byte[] key) =>
        $"{value},{unixSeconds},{Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{value},{unixSeconds}")))}";
}

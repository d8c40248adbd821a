using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// The durable record of one room: the events of its open horizon (live and recent sessions),
/// and a compact index of the sessions archived into their own records.
/// </summary>
[GenerateSerializer, Alias("wg.RoomState")]
public sealed class RoomState : LedgerState
{
    /// <summary>Sessions whose events moved to their own record, oldest first.</summary>
    [Id(0)] public List<ArchivedSession> Archived { get; set; } = [];

    /// <summary>
    /// Hashes of the ids of recently archived events, with when they were archived: a late
    /// redelivery of one is a duplicate without a look into the archive.
    /// </summary>
    [Id(1)] public Dictionary<ulong, long> ArchivedEventIds { get; set; } = [];

    /// <summary>Not read any more (<see cref="Listed"/> took its place); kept so that records written before read whole.</summary>
    [Id(2)] public bool Indexed { get; set; }

    /// <summary>Session ids of this room already in the tenant's session directory.</summary>
    [Id(3)] public HashSet<string> RegisteredSessions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Ended sessions (not yet archived) already counted in metrics.</summary>
    [Id(4)] public HashSet<string> EndedCounted { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The months whose sessions moved to the room's history records (yyyyMM of their start).</summary>
    [Id(5)] public SortedSet<string> HistoryMonths { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The totals of what moved to history, so that the rooms list needs no history read.</summary>
    [Id(6)] public RoomTotals HistoryTotals { get; set; } = new();

    /// <summary>Hashes of the people of what moved to history (distinct people: grows with people, not sessions).</summary>
    [Id(7)] public HashSet<ulong> HistoryPeople { get; set; } = [];

    /// <summary>The listing the room last pushed to its index bucket: pushed again only when it changes.</summary>
    [Id(8)] public RoomListing? Listed { get; set; }
}

/// <summary>Totals over a set of sessions, as the rooms list shows them.</summary>
[GenerateSerializer, Alias("wg.RoomTotals")]
public sealed class RoomTotals
{
    /// <summary>How many sessions.</summary>
    [Id(0)] public int Sessions { get; set; }

    /// <summary>Their participant minutes (Whereby's rule).</summary>
    [Id(1)] public long ParticipantMinutes { get; set; }

    /// <summary>Their exact participant seconds.</summary>
    [Id(2)] public double ParticipantSeconds { get; set; }

    /// <summary>The highest peak among them.</summary>
    [Id(3)] public int PeakParticipants { get; set; }

    /// <summary>The earliest start.</summary>
    [Id(4)] public DateTimeOffset? FirstSessionStartedAt { get; set; }

    /// <summary>The latest start.</summary>
    [Id(5)] public DateTimeOffset? LastSessionStartedAt { get; set; }

    /// <summary>Their recorder minutes.</summary>
    [Id(6)] public long RecorderMinutes { get; set; }

    /// <summary>Their streamer minutes.</summary>
    [Id(7)] public long StreamerMinutes { get; set; }

    /// <summary>Their recorders, summed over sessions.</summary>
    [Id(8)] public int UniqueRecorders { get; set; }

    /// <summary>Their streamers, summed over sessions.</summary>
    [Id(9)] public int UniqueStreamers { get; set; }

    /// <summary>Adds one session.</summary>
    public void Add(RoomSessionView s)
    {
        Sessions++;
        ParticipantMinutes += s.TotalParticipantMinutes;
        ParticipantSeconds += s.TotalParticipantSeconds;
        PeakParticipants = Math.Max(PeakParticipants, s.PeakParticipants);
        RecorderMinutes += s.TotalRecorderMinutes;
        StreamerMinutes += s.TotalStreamerMinutes;
        UniqueRecorders += s.TotalUniqueRecorders;
        UniqueStreamers += s.TotalUniqueStreamers;
        FirstSessionStartedAt = FirstSessionStartedAt is { } first && first <= s.StartedAt ? first : s.StartedAt;
        LastSessionStartedAt = LastSessionStartedAt is { } last && last >= s.StartedAt ? last : s.StartedAt;
    }
}

/// <summary>One archived session: where its record is and its totals for listings.</summary>
[GenerateSerializer, Immutable, Alias("wg.ArchivedSession")]
public sealed record ArchivedSession(
    [property: Id(0)] string RoomSessionId,
    [property: Id(1)] long StartedAt,
    [property: Id(2)] long EndedAt,
    [property: Id(3)] RoomSessionView Summary,
    [property: Id(4)] ulong[] PersonHashes,
    [property: Id(5)] string? Record = null,
    [property: Id(6)] long? After = null,
    [property: Id(7)] long? Until = null)
{
    /// <summary>The session id that names the record holding it: its own, or the first of the stretch it was archived with.</summary>
    public string RecordId => Record ?? RoomSessionId;
}

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

    /// <summary>True once the tenant's room index lists this room.</summary>
    [Id(2)] public bool Indexed { get; set; }

    /// <summary>Session ids of this room already in the tenant's session directory.</summary>
    [Id(3)] public HashSet<string> RegisteredSessions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Ended sessions (not yet archived) already counted in metrics.</summary>
    [Id(4)] public HashSet<string> EndedCounted { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One archived session: where its record is and its totals for listings.</summary>
[GenerateSerializer, Immutable, Alias("wg.ArchivedSession")]
public sealed record ArchivedSession(
    [property: Id(0)] string RoomSessionId,
    [property: Id(1)] long StartedAt,
    [property: Id(2)] long EndedAt,
    [property: Id(3)] RoomSessionView Summary,
    [property: Id(4)] ulong[] PersonHashes);

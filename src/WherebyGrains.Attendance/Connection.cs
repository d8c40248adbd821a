namespace WherebyGrains.Attendance;

/// <summary>One connection (one <c>participantId</c>) as the rules resolved it. Times are Unix ms.</summary>
public sealed record Connection
{
    /// <summary>Whereby's participantId, or <c>anon-&lt;event id&gt;</c> for payloads without one.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>The first session it belongs to; null when it is in none (see <see cref="Sessions"/>).</summary>
    public string? RoomSessionId { get; init; }

    /// <summary>
    /// Every session it is in, oldest first, each with the part of the connection it counts
    /// (rule 7: a connection that stayed between sessions is in each of them).
    /// </summary>
    public IReadOnlyList<SessionPart> Sessions { get; init; } = [];

    /// <summary>The Whereby role.</summary>
    public string? RoleName { get; init; }

    /// <summary>True unless the role is a machine's.</summary>
    public required bool IsPerson { get; init; }

    /// <summary>The app's user id (personal data).</summary>
    public string? ExternalId { get; init; }

    /// <summary>The typed name (personal data).</summary>
    public string? DisplayName { get; init; }

    /// <summary>The value when verified, else the raw metadata.</summary>
    public string? Metadata { get; init; }

    /// <summary>Whether metadata verified; null when the tenant has no metadata keys.</summary>
    public bool? MetadataVerified { get; init; }

    /// <summary>The person key of rule 4.</summary>
    public required string PersonId { get; init; }

    /// <summary>From its <c>joined</c>.</summary>
    public required long JoinedAt { get; init; }

    /// <summary>Its first knock before it joined (the waiting room); null when it came in without one.</summary>
    public long? KnockedAt { get; init; }

    /// <summary>From <see cref="KnockedAt"/> to its join; null when it came in without a knock.</summary>
    public long? WaitedMs => JoinedAt - KnockedAt;

    /// <summary>From its <c>left</c>, or where the evidence of rule 3 closed it; null while open.</summary>
    public long? LeftAt { get; init; }

    /// <summary>True when no <c>left</c> came and the evidence of rule 3 closed it.</summary>
    public bool LeftInferred { get; init; }

    /// <summary>The ids of the events it was built from.</summary>
    public IReadOnlyList<string> EventIds { get; init; } = [];

    /// <summary>Its span, up to <paramref name="now"/> while open.</summary>
    public Interval Span(long now) => new(JoinedAt, Math.Max(JoinedAt, LeftAt ?? now));

    /// <summary>The part of it that session <paramref name="roomSessionId"/> counts, up to <paramref name="now"/>; null when it is not in that session.</summary>
    public Interval? PartIn(string roomSessionId, long now)
    {
        foreach (var part in Sessions)
        {
            if (part.RoomSessionId == roomSessionId)
            {
                return new Interval(part.From, Math.Max(part.From, part.To ?? now));
            }
        }
        return null;
    }
}

/// <summary>
/// The part of a connection that one session counts: from the end of the connection's previous
/// session (its join, for the first) to this session's end (its leave, for the last). Unix ms.
/// </summary>
/// <param name="RoomSessionId">The session.</param>
/// <param name="From">Where the part starts.</param>
/// <param name="To">Where it ends; null while the connection is open in its last session.</param>
public sealed record SessionPart(string RoomSessionId, long From, long? To);

namespace WherebyGrains.Attendance;

/// <summary>One connection (one <c>participantId</c>) as the rules resolved it. Times are Unix ms.</summary>
public sealed record Connection
{
    /// <summary>Whereby's participantId, or <c>anon-&lt;event id&gt;</c> for payloads without one.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>The session it belongs to; null when it overlaps none.</summary>
    public string? RoomSessionId { get; init; }

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

    /// <summary>From its <c>left</c>, or its session's end; null while open.</summary>
    public long? LeftAt { get; init; }

    /// <summary>True when no <c>left</c> came and the session's end closed it.</summary>
    public bool LeftInferred { get; init; }

    /// <summary>The ids of the events it was built from.</summary>
    public IReadOnlyList<string> EventIds { get; init; } = [];

    /// <summary>Its span, up to <paramref name="now"/> while open.</summary>
    public Interval Span(long now) => new(JoinedAt, Math.Max(JoinedAt, LeftAt ?? now));
}

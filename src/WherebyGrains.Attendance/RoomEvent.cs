namespace WherebyGrains.Attendance;

/// <summary>What happened, of the event types attendance is built from.</summary>
public enum RoomEventKind
{
    /// <summary><c>room.client.joined</c>.</summary>
    Joined,

    /// <summary><c>room.client.left</c>.</summary>
    Left,

    /// <summary><c>room.client.knocked</c>.</summary>
    Knocked,

    /// <summary><c>room.client.knockCancelled</c>.</summary>
    KnockCancelled,

    /// <summary><c>room.session.started</c>.</summary>
    SessionStarted,

    /// <summary><c>room.session.ended</c>.</summary>
    SessionEnded,
}

/// <summary>
/// One event of one room, as the rules see it. Times are Unix milliseconds. Every field a 2022
/// payload may lack is nullable.
/// </summary>
public sealed record RoomEvent
{
    /// <summary>Whereby's event id.</summary>
    public required string Id { get; init; }

    /// <summary>What happened.</summary>
    public required RoomEventKind Kind { get; init; }

    /// <summary>When it happened (the envelope's <c>createdAt</c>), Unix milliseconds.</summary>
    public required long At { get; init; }

    /// <summary>Whereby's session id, when the event carries one.</summary>
    public string? RoomSessionId { get; init; }

    /// <summary>The connection, when the event carries one.</summary>
    public string? ParticipantId { get; init; }

    /// <summary>The Whereby role.</summary>
    public string? RoleName { get; init; }

    /// <summary>The app's user id (personal data).</summary>
    public string? ExternalId { get; init; }

    /// <summary>The typed name (personal data).</summary>
    public string? DisplayName { get; init; }

    /// <summary>The raw <c>metadata</c> (personal data, untrusted).</summary>
    public string? Metadata { get; init; }

    /// <summary>The room's size after the event as Whereby counted it (<c>numClients</c>, all roles), when given.</summary>
    public int? NumClients { get; init; }

    /// <summary>The room's size after the event by role (<c>numClientsByRoleName</c>), when given.</summary>
    public IReadOnlyDictionary<string, int>? NumClientsByRoleName { get; init; }
}

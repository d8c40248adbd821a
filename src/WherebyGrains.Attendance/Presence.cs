namespace WherebyGrains.Attendance;

/// <summary>Who is in the room now, who is knocking, and the live session.</summary>
public sealed record Presence
{
    /// <summary>Connections open now, people and machines.</summary>
    public IReadOnlyList<Connection> Participants { get; init; } = [];

    /// <summary>Open connections, plus those Whereby's counts show and no <c>joined</c> told of.</summary>
    public int NumClients { get; init; }

    /// <summary>Open connections by role (and the unseen ones, when the counts named their role).</summary>
    public IReadOnlyDictionary<string, int> NumClientsByRoleName { get; init; } = new Dictionary<string, int>();

    /// <summary>Visitors knocking now.</summary>
    public IReadOnlyList<Knock> Waiting { get; init; } = [];

    /// <summary>The live session, if any.</summary>
    public Session? CurrentSession { get; init; }
}

/// <summary>A visitor knocking from the waiting room.</summary>
/// <param name="ParticipantId">The knocking connection.</param>
/// <param name="DisplayName">The typed name (personal data).</param>
/// <param name="KnockedAt">When the knock came, Unix ms.</param>
public sealed record Knock(string ParticipantId, string? DisplayName, long KnockedAt);

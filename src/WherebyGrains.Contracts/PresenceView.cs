namespace WherebyGrains.Contracts;

/// <summary>Who is in a room right now.</summary>
[GenerateSerializer, Immutable, Alias("wg.PresenceView")]
public sealed record PresenceView
{
    /// <summary>The room.</summary>
    [Id(0)] public required string RoomName { get; init; }

    /// <summary>Connections open now, people and machines.</summary>
    [Id(1)] public required int NumClients { get; init; }

    /// <summary>Open connections by role.</summary>
    [Id(2)] public required IReadOnlyDictionary<string, int> NumClientsByRoleName { get; init; }

    /// <summary>Those connected now.</summary>
    [Id(3)] public required IReadOnlyList<PresentParticipant> Participants { get; init; }

    /// <summary>Those knocking now.</summary>
    [Id(4)] public required IReadOnlyList<WaitingParticipant> Waiting { get; init; }

    /// <summary>The live session, or null.</summary>
    [Id(5)] public CurrentSessionView? CurrentSession { get; init; }
}

/// <summary>One connection open now.</summary>
[GenerateSerializer, Immutable, Alias("wg.PresentParticipant")]
public sealed record PresentParticipant(
    [property: Id(0)] string ParticipantId,
    [property: Id(1)] string? ExternalId,
    [property: Id(2)] string? DisplayName,
    [property: Id(3)] string? RoleName,
    [property: Id(4)] DateTimeOffset JoinedAt);

/// <summary>One visitor knocking now.</summary>
[GenerateSerializer, Immutable, Alias("wg.WaitingParticipant")]
public sealed record WaitingParticipant(
    [property: Id(0)] string ParticipantId,
    [property: Id(1)] string? DisplayName,
    [property: Id(2)] DateTimeOffset KnockedAt);

/// <summary>The live session.</summary>
[GenerateSerializer, Immutable, Alias("wg.CurrentSessionView")]
public sealed record CurrentSessionView(
    [property: Id(0)] string RoomSessionId,
    [property: Id(1)] DateTimeOffset StartedAt);

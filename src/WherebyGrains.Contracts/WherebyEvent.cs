namespace WherebyGrains.Contracts;

/// <summary>
/// One verified Whereby webhook event, reduced to what attendance needs. Every field that a
/// 2022 payload may lack is nullable. <see cref="DisplayName"/>, <see cref="ExternalId"/> and
/// <see cref="Metadata"/> are personal data: never log them.
/// </summary>
[GenerateSerializer, Immutable, Alias("wg.WherebyEvent")]
public sealed record WherebyEvent
{
    /// <summary>Whereby's event id: the dedupe key.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>The event type, e.g. <c>room.client.joined</c>.</summary>
    [Id(1)] public required string Type { get; init; }

    /// <summary>When the event happened (the envelope's <c>createdAt</c>), UTC.</summary>
    [Id(2)] public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The room name, starting with <c>/</c>.</summary>
    [Id(3)] public required string RoomName { get; init; }

    /// <summary>Whereby's session id; null on old payloads and some events.</summary>
    [Id(4)] public string? RoomSessionId { get; init; }

    /// <summary>One connection of one participant.</summary>
    [Id(5)] public string? ParticipantId { get; init; }

    /// <summary>The Whereby role, e.g. <c>host</c> or <c>recorder</c>.</summary>
    [Id(6)] public string? RoleName { get; init; }

    /// <summary>The app's own user id, from the room URL (personal data).</summary>
    [Id(7)] public string? ExternalId { get; init; }

    /// <summary>The name the participant typed (personal data).</summary>
    [Id(8)] public string? DisplayName { get; init; }

    /// <summary>The free <c>metadata</c> string from the room URL (untrusted, personal data).</summary>
    [Id(9)] public string? Metadata { get; init; }

    /// <summary>Room size after the event, as Whereby counted it.</summary>
    [Id(10)] public int? NumClients { get; init; }

    /// <summary>Whether the participant dialled in by phone.</summary>
    [Id(11)] public bool? IsDialIn { get; init; }

    /// <summary>Whereby's meeting id of the room.</summary>
    [Id(12)] public string? MeetingId { get; init; }

    /// <summary>When this service received it (not part of Whereby's event; unset in events built by hand).</summary>
    [Id(13)] public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Room size after the event by role, as Whereby counted it (<c>numClientsByRoleName</c>).</summary>
    [Id(14)] public IReadOnlyDictionary<string, int>? NumClientsByRoleName { get; init; }
}

namespace WherebyGrains.Contracts;

/// <summary>One connection (a participantId), as the query API's participants list serves it.</summary>
[GenerateSerializer, Immutable, Alias("wg.ParticipantView")]
public sealed record ParticipantView
{
    /// <summary>The session it belongs to; null when it overlapped none.</summary>
    [Id(0)] public string? RoomSessionId { get; init; }

    /// <summary>The room.</summary>
    [Id(1)] public required string RoomName { get; init; }

    /// <summary>Whereby's participantId (or <c>anon-&lt;event id&gt;</c>).</summary>
    [Id(2)] public required string ParticipantId { get; init; }

    /// <summary>The app's user id (personal data).</summary>
    [Id(3)] public string? ExternalId { get; init; }

    /// <summary>The typed name (personal data).</summary>
    [Id(4)] public string? DisplayName { get; init; }

    /// <summary>The Whereby role.</summary>
    [Id(5)] public string? RoleName { get; init; }

    /// <summary>When it joined.</summary>
    [Id(6)] public required DateTimeOffset JoinedAt { get; init; }

    /// <summary>When it left; null while connected.</summary>
    [Id(7)] public DateTimeOffset? LeftAt { get; init; }

    /// <summary>Its length so far, in seconds.</summary>
    [Id(8)] public required double DurationSeconds { get; init; }

    /// <summary>True when no <c>left</c> came and the session's end closed it.</summary>
    [Id(9)] public required bool LeftInferred { get; init; }

    /// <summary>The verified value, or the raw metadata (personal data).</summary>
    [Id(10)] public string? Metadata { get; init; }

    /// <summary>Whether metadata verified; null when the tenant has no metadata keys.</summary>
    [Id(11)] public bool? MetadataVerified { get; init; }

    /// <summary>The person key of rule 4.</summary>
    [Id(12)] public required string PersonId { get; init; }

    /// <summary>False for machine roles (recorder, streamer, captioner, assistant).</summary>
    [Id(13)] public required bool IsPerson { get; init; }

    /// <summary>The first knock of this participantId before it joined (the waiting room); null when it came in without one.</summary>
    [Id(14)] public DateTimeOffset? KnockedAt { get; init; }

    /// <summary>From <see cref="KnockedAt"/> to <see cref="JoinedAt"/>, in seconds; null without a knock.</summary>
    [Id(15)] public double? WaitedSeconds { get; init; }
}

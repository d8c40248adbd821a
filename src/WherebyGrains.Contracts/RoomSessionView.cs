namespace WherebyGrains.Contracts;

/// <summary>One session of a room with its totals, as the query API serves it.</summary>
[GenerateSerializer, Immutable, Alias("wg.RoomSessionView")]
public sealed record RoomSessionView
{
    /// <summary>Whereby's roomSessionId, or <c>inferred-&lt;ms&gt;</c> for payloads without one.</summary>
    [Id(0)] public required string RoomSessionId { get; init; }

    /// <summary>The room.</summary>
    [Id(1)] public required string RoomName { get; init; }

    /// <summary>When it started.</summary>
    [Id(2)] public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended; null while live.</summary>
    [Id(3)] public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Its length so far, in seconds.</summary>
    [Id(4)] public required double DurationSeconds { get; init; }

    /// <summary>Whereby's rule: each people connection's minutes rounded up, then summed.</summary>
    [Id(5)] public required long TotalParticipantMinutes { get; init; }

    /// <summary>The exact sum of people connection durations, in seconds.</summary>
    [Id(6)] public required double TotalParticipantSeconds { get; init; }

    /// <summary>Distinct people with a connection in the session.</summary>
    [Id(7)] public required int TotalUniqueParticipants { get; init; }

    /// <summary>Most people in the room at once during the session.</summary>
    [Id(8)] public required int PeakParticipants { get; init; }

    /// <summary>True when <see cref="EndedAt"/> was inferred without Whereby's event.</summary>
    [Id(9)] public required bool EndInferred { get; init; }

    /// <summary>Insights' rule for machines: each <c>recorder</c> connection's minutes in the session rounded up, then summed.</summary>
    [Id(10)] public required long TotalRecorderMinutes { get; init; }

    /// <summary>Insights' rule for machines: each <c>streamer</c> connection's minutes in the session rounded up, then summed.</summary>
    [Id(11)] public required long TotalStreamerMinutes { get; init; }

    /// <summary>Distinct <c>recorder</c> connections in the session.</summary>
    [Id(12)] public required int TotalUniqueRecorders { get; init; }

    /// <summary>Distinct <c>streamer</c> connections in the session.</summary>
    [Id(13)] public required int TotalUniqueStreamers { get; init; }

    /// <summary>Knocks of the session: of connections that then joined it, and of knockers never admitted while it was live.</summary>
    [Id(14)] public int TotalKnocks { get; init; }

    /// <summary>The median wait, in seconds, from a connection's first knock to its join, over those admitted (the mean of the middle two for an even count); null when none knocked.</summary>
    [Id(15)] public double? MedianWaitSeconds { get; init; }
}

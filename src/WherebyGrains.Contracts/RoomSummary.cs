namespace WherebyGrains.Contracts;

/// <summary>One room's totals over all its sessions, as <c>/v1/insights/rooms</c> serves them.</summary>
[GenerateSerializer, Immutable, Alias("wg.RoomSummary")]
public sealed record RoomSummary
{
    /// <summary>The room.</summary>
    [Id(0)] public required string RoomName { get; init; }

    /// <summary>Start of its first session; null before any.</summary>
    [Id(1)] public DateTimeOffset? FirstSessionStartedAt { get; init; }

    /// <summary>Start of its latest session; null before any.</summary>
    [Id(2)] public DateTimeOffset? LastSessionStartedAt { get; init; }

    /// <summary>How many sessions it has had.</summary>
    [Id(3)] public required int TotalSessions { get; init; }

    /// <summary>Sum of its sessions' Whereby-rule minutes.</summary>
    [Id(4)] public required long TotalParticipantMinutes { get; init; }

    /// <summary>Sum of its sessions' exact participant seconds.</summary>
    [Id(5)] public required double TotalParticipantSeconds { get; init; }

    /// <summary>Distinct people over all its sessions.</summary>
    [Id(6)] public required int TotalUniqueParticipants { get; init; }

    /// <summary>The highest peak of any of its sessions.</summary>
    [Id(7)] public required int PeakParticipants { get; init; }

    /// <summary>Sum of its sessions' recorder minutes (each recorder connection's minutes rounded up).</summary>
    [Id(8)] public required long TotalRecorderMinutes { get; init; }

    /// <summary>Sum of its sessions' streamer minutes (each streamer connection's minutes rounded up).</summary>
    [Id(9)] public required long TotalStreamerMinutes { get; init; }

    /// <summary>
    /// Sum of its sessions' distinct recorder connections: a recorder connection that spans two
    /// sessions counts in each (archived sessions keep only their counts, and a sum does not
    /// change when a session is archived).
    /// </summary>
    [Id(10)] public required int TotalUniqueRecorders { get; init; }

    /// <summary>Sum of its sessions' distinct streamer connections (counted as <see cref="TotalUniqueRecorders"/> is).</summary>
    [Id(11)] public required int TotalUniqueStreamers { get; init; }
}

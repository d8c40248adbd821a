namespace WherebyGrains.Attendance;

/// <summary>One session of a room with its totals. Times are Unix ms; durations are ms.</summary>
public sealed record Session
{
    /// <summary>Whereby's roomSessionId, or <c>inferred-&lt;startedAt ms&gt;</c> when events carry none.</summary>
    public required string RoomSessionId { get; init; }

    /// <summary>When it started.</summary>
    public required long StartedAt { get; init; }

    /// <summary>When it ended; null while live.</summary>
    public long? EndedAt { get; init; }

    /// <summary>True when <see cref="EndedAt"/> was inferred without <c>room.session.ended</c>.</summary>
    public bool EndInferred { get; init; }

    /// <summary>Its span, up to <paramref name="now"/> while live.</summary>
    public Interval Span(long now) => new(StartedAt, Math.Max(StartedAt, EndedAt ?? now));

    /// <summary>Sum of the raw durations of its people connections.</summary>
    public long TotalParticipantMs { get; init; }

    /// <summary>Whereby's rule: each people connection's minutes rounded up, then summed.</summary>
    public long TotalParticipantMinutes { get; init; }

    /// <summary>Distinct people with a connection in it.</summary>
    public int TotalUniqueParticipants { get; init; }

    /// <summary>Most distinct people present at one instant within it.</summary>
    public int PeakParticipants { get; init; }

    /// <summary>Insights' machine totals: each <c>recorder</c> connection's minutes in the session rounded up, then summed.</summary>
    public long TotalRecorderMinutes { get; init; }

    /// <summary>Insights' machine totals: each <c>streamer</c> connection's minutes in the session rounded up, then summed.</summary>
    public long TotalStreamerMinutes { get; init; }

    /// <summary>Distinct <c>recorder</c> connections in the session.</summary>
    public int TotalUniqueRecorders { get; init; }

    /// <summary>Distinct <c>streamer</c> connections in the session.</summary>
    public int TotalUniqueStreamers { get; init; }

    /// <summary>
    /// Its knocks (of connections that joined it, and of knockers never admitted while it was live)
    /// and the median wait, ms, of its connections admitted after a knock (null when none).
    /// </summary>
    public (int Knocks, double? MedianWaitMs) Waiting { get; init; }

    /// <summary>Per person: attended time and connections.</summary>
    public IReadOnlyList<SessionAttendance> People { get; init; } = [];
}

/// <summary>One person's attendance in one session.</summary>
public sealed record SessionAttendance
{
    /// <summary>The person key.</summary>
    public required string PersonId { get; init; }

    /// <summary>The externalId, when the person key is one (personal data).</summary>
    public string? ExternalId { get; init; }

    /// <summary>The earliest join of the person's connections in the session (not clipped).</summary>
    public required long FirstJoinedAt { get; init; }

    /// <summary>The latest leave of those connections; null while one is open.</summary>
    public long? LastLeftAt { get; init; }

    /// <summary>Length of the union of the person's connections in the room, clipped to the session.</summary>
    public required long AttendedMs { get; init; }

    /// <summary>How many connections the person had in the session.</summary>
    public required int Connections { get; init; }
}

namespace WherebyGrains.Contracts;

/// <summary>One person's attendance in one session: a row of the per-person report.</summary>
[GenerateSerializer, Immutable, Alias("wg.AttendanceRow")]
public sealed record AttendanceRow
{
    /// <summary>The room.</summary>
    [Id(0)] public required string RoomName { get; init; }

    /// <summary>The session.</summary>
    [Id(1)] public required string RoomSessionId { get; init; }

    /// <summary>When the session started.</summary>
    [Id(2)] public required DateTimeOffset SessionStartedAt { get; init; }

    /// <summary>When it ended; null while live.</summary>
    [Id(3)] public DateTimeOffset? SessionEndedAt { get; init; }

    /// <summary>The person's earliest join in the session (waiting before it included).</summary>
    [Id(4)] public required DateTimeOffset FirstJoinedAt { get; init; }

    /// <summary>The person's latest leave; null while connected.</summary>
    [Id(5)] public DateTimeOffset? LastLeftAt { get; init; }

    /// <summary>Seconds present within the session, reconnects and tabs merged.</summary>
    [Id(6)] public required double AttendedSeconds { get; init; }

    /// <summary>How many connections the person had in the session.</summary>
    [Id(7)] public required int Connections { get; init; }

    /// <summary>Attended seconds ÷ session duration, 0–1.</summary>
    [Id(8)] public required double AttendanceRatio { get; init; }

    /// <summary>From the session's start to the person's first join, in seconds; zero for anyone there at the start. Set as the report is read.</summary>
    [Id(9)] public double LateSeconds { get; init; }

    /// <summary>
    /// Whether the tenant's attendance policy counts the person present (the numbers so far while
    /// the session is live); null without a policy. Judged when the report is read, with the policy then.
    /// </summary>
    [Id(10)] public bool? Present { get; init; }
}

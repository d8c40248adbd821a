namespace WherebyGrains.Attendance;

/// <summary>Everything the rules derive from one room's events, as of one instant.</summary>
public sealed record RoomAttendance
{
    /// <summary>Sessions, oldest first.</summary>
    public IReadOnlyList<Session> Sessions { get; init; } = [];

    /// <summary>Connections, by join time.</summary>
    public IReadOnlyList<Connection> Connections { get; init; } = [];

    /// <summary>Live presence.</summary>
    public Presence Presence { get; init; } = new();

    /// <summary>
    /// The next instant at which the results change without any new event (a session's
    /// inferred end falling due); null when none is pending. A grain sets its timer by it.
    /// </summary>
    public long? NextChangeAt { get; init; }

    /// <summary>True while a session is live (not ended, officially or by inference).</summary>
    public bool HasLiveSession => Sessions.Any(s => s.EndedAt is null);

    /// <summary>The instant of the room's last event; null without events.</summary>
    public long? LastEventAt { get; init; }
}

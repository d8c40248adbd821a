using WherebyGrains.Attendance;

namespace WherebyGrains.Attendance.Tests;

/// <summary>Writes a room's events as a readable timeline: minutes after 10:00 on a fixed day.</summary>
internal sealed class Timeline
{
    public static readonly long Ten = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private int _next;

    public List<RoomEvent> Events { get; } = [];

    public static long At(double minutes) => Ten + (long)(minutes * 60_000);

    public Timeline Join(double minute, string participant, string? person = null, string role = "member", string? session = null, string? metadata = null, int? count = null, Dictionary<string, int>? byRole = null) =>
        Add(RoomEventKind.Joined, minute, participant, person, role, session, metadata, count, byRole);

    public Timeline Leave(double minute, string participant, string? person = null, string role = "member", string? session = null, int? count = null, Dictionary<string, int>? byRole = null) =>
        Add(RoomEventKind.Left, minute, participant, person, role, session, null, count, byRole);

    public Timeline Knock(double minute, string participant, string? session = null) => Add(RoomEventKind.Knocked, minute, participant, null, "visitor", session, null);

    public Timeline CancelKnock(double minute, string participant) => Add(RoomEventKind.KnockCancelled, minute, participant, null, "visitor", null, null);

    public Timeline Started(double minute, string? session) => Add(RoomEventKind.SessionStarted, minute, null, null, null, session, null);

    public Timeline Ended(double minute, string? session) => Add(RoomEventKind.SessionEnded, minute, null, null, null, session, null);

    public RoomAttendance Compute(double nowMinute, AttendanceSettings? settings = null) =>
        RoomTimeline.Compute(Events, At(nowMinute), settings ?? AttendanceSettings.Default);

    private Timeline Add(RoomEventKind kind, double minute, string? participant, string? person, string? role, string? session, string? metadata, int? count = null, Dictionary<string, int>? byRole = null)
    {
        Events.Add(new RoomEvent
        {
            Id = $"e{_next++:D4}",
            Kind = kind,
            At = At(minute),
            ParticipantId = participant,
            ExternalId = person,
            RoleName = role,
            RoomSessionId = session,
            Metadata = metadata,
            DisplayName = participant is null ? null : "Name of " + participant,
            NumClients = count,
            NumClientsByRoleName = byRole,
        });
        return this;
    }
}

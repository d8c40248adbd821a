using WherebyGrains.Contracts;

namespace WherebyGrains.Grains.Tests;

/// <summary>Contract events for grain tests.</summary>
internal static class Events
{
    private static int _next;

    public static WherebyEvent Client(string type, string room, DateTimeOffset at, string participant, string? person, string? session = null, string role = "member") => new()
    {
        Id = $"ev{Interlocked.Increment(ref _next):D8}",
        Type = type,
        CreatedAt = at,
        RoomName = room,
        ParticipantId = participant,
        ExternalId = person,
        RoleName = role,
        RoomSessionId = session,
        DisplayName = person is null ? null : "Name " + person,
    };

    public static WherebyEvent Joined(string room, DateTimeOffset at, string participant, string? person, string? session = null) =>
        Client(WherebyEventTypes.ClientJoined, room, at, participant, person, session);

    public static WherebyEvent Left(string room, DateTimeOffset at, string participant, string? person, string? session = null) =>
        Client(WherebyEventTypes.ClientLeft, room, at, participant, person, session);

    public static WherebyEvent Session(string type, string room, DateTimeOffset at, string? session) => new()
    {
        Id = $"ev{Interlocked.Increment(ref _next):D8}",
        Type = type,
        CreatedAt = at,
        RoomName = room,
        RoomSessionId = session,
    };
}

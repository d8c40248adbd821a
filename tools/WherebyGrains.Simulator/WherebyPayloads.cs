using System.Text.Json;
using System.Text.Json.Nodes;

namespace WherebyGrains.Simulator;

/// <summary>Builds Whereby webhook bodies as Whereby sends them (camelCase JSON, ISO times with ms).</summary>
public static class WherebyPayloads
{
    /// <summary>A random 64-hex-char event id, like Whereby's.</summary>
    public static string NewEventId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    /// <summary>A client event (<c>room.client.*</c>) body; the room's counts (<c>numClients</c>, <c>numClientsByRoleName</c>) as given, null when not.</summary>
    public static string Client(
        string type,
        string roomName,
        DateTimeOffset at,
        string? participantId = null,
        string? roomSessionId = null,
        string? roleName = "visitor",
        string? externalId = null,
        string? displayName = null,
        string? metadata = null,
        int? numClients = null,
        string? id = null,
        IReadOnlyDictionary<string, int>? numClientsByRoleName = null)
    {
        var data = new JsonObject
        {
            ["meetingId"] = "100000001",
            ["roomName"] = roomName,
            ["subdomain"] = "acme",
            ["participantId"] = participantId,
            ["roomSessionId"] = roomSessionId,
            ["displayName"] = displayName,
            ["externalId"] = externalId,
            ["metadata"] = metadata,
            ["roleName"] = roleName,
            ["numClients"] = numClients,
            ["numClientsByRoleName"] = numClientsByRoleName is null ? null : new JsonObject(numClientsByRoleName.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["isDialIn"] = false,
        };
        return Envelope(id ?? NewEventId(), type, at, data);
    }

    /// <summary>A session event (<c>room.session.*</c>) body.</summary>
    public static string Session(string type, string roomName, DateTimeOffset at, string? roomSessionId, string? id = null) =>
        Envelope(id ?? NewEventId(), type, at, new JsonObject
        {
            ["meetingId"] = "100000001",
            ["roomName"] = roomName,
            ["subdomain"] = "acme",
            ["roomSessionId"] = roomSessionId,
        });

    /// <summary>The webhook body Whereby would have sent for a rules-level event in <paramref name="roomName"/>.</summary>
    public static string From(WherebyGrains.Attendance.RoomEvent e, string roomName)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(e.At);
        var type = e.Kind switch
        {
            WherebyGrains.Attendance.RoomEventKind.Joined => "room.client.joined",
            WherebyGrains.Attendance.RoomEventKind.Left => "room.client.left",
            WherebyGrains.Attendance.RoomEventKind.Knocked => "room.client.knocked",
            WherebyGrains.Attendance.RoomEventKind.KnockCancelled => "room.client.knockCancelled",
            WherebyGrains.Attendance.RoomEventKind.SessionStarted => "room.session.started",
            _ => "room.session.ended",
        };
        return e.Kind is WherebyGrains.Attendance.RoomEventKind.SessionStarted or WherebyGrains.Attendance.RoomEventKind.SessionEnded
            ? Session(type, roomName, at, e.RoomSessionId, e.Id)
            : Client(type, roomName, at, e.ParticipantId, e.RoomSessionId, e.RoleName, e.ExternalId, e.DisplayName, e.Metadata, e.NumClients, e.Id, e.NumClientsByRoleName);
    }

    /// <summary>An envelope around any data object.</summary>
    public static string Envelope(string id, string type, DateTimeOffset at, JsonNode? data) =>
        new JsonObject
        {
            ["id"] = id,
            ["apiVersion"] = "1.0",
            ["createdAt"] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["type"] = type,
            ["data"] = data,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}

using System.Text.Json.Serialization;
using WherebyGrains.Api.Webhooks.Lenient;

namespace WherebyGrains.Api.Webhooks;

/// <summary>Whereby's webhook envelope as it arrives. Every member may be missing or null.</summary>
internal sealed class WebhookEnvelope
{
    public string? Id { get; set; }
    [JsonConverter(typeof(LenientApiVersion))]
    public string? ApiVersion { get; set; }
    public WebhookTime CreatedAt { get; set; }
    public string? Type { get; set; }
    [JsonConverter(typeof(LenientDataConverter))]
    public WebhookData? Data { get; set; }
}

/// <summary>
/// The <c>data</c> object of the in-room events; fields of other event types are skipped. Every
/// field but the room name is read leniently (<see cref="LenientFields"/>): a signed event is
/// Whereby's, and a field the rules do not need must never lose it.
/// </summary>
internal sealed class WebhookData
{
    [JsonConverter(typeof(LenientMeetingId))]
    public string? MeetingId { get; set; }
    public string? RoomName { get; set; }
    [JsonConverter(typeof(LenientSubdomain))]
    public string? Subdomain { get; set; }
    [JsonConverter(typeof(LenientParticipantId))]
    public string? ParticipantId { get; set; }
    [JsonConverter(typeof(LenientRoomSessionId))]
    public string? RoomSessionId { get; set; }
    [JsonConverter(typeof(LenientDisplayName))]
    public string? DisplayName { get; set; }
    [JsonConverter(typeof(LenientExternalId))]
    public string? ExternalId { get; set; }
    [JsonConverter(typeof(LenientMetadata))]
    public string? Metadata { get; set; }
    [JsonConverter(typeof(LenientRoleName))]
    public string? RoleName { get; set; }
    [JsonConverter(typeof(LenientNumClients))]
    public int? NumClients { get; set; }
    [JsonConverter(typeof(LenientNumClientsByRoleName))]
    public Dictionary<string, int>? NumClientsByRoleName { get; set; }
    [JsonConverter(typeof(LenientIsDialIn))]
    public bool? IsDialIn { get; set; }

    /// <summary>Why the object did not read as an in-room event's data; null when it did.</summary>
    [JsonIgnore]
    public string? Unreadable { get; set; }
}

/// <summary>The body of a 200 answer to a webhook.</summary>
/// <param name="Status"><c>accepted</c> or <c>duplicate</c>.</param>
public sealed record IngestResponse(string Status);

/// <summary>Source-generated JSON for the webhook hot path.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    // Whereby's envelope is three levels deep; anything far deeper is hostile.
    MaxDepth = 32,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(WebhookEnvelope))]
[JsonSerializable(typeof(WebhookData))]
[JsonSerializable(typeof(IngestResponse))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;

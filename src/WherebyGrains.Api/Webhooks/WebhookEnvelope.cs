using System.Text.Json.Serialization;

namespace WherebyGrains.Api.Webhooks;

/// <summary>Whereby's webhook envelope as it arrives. Every member may be missing or null.</summary>
internal sealed class WebhookEnvelope
{
    public string? Id { get; set; }
    public string? ApiVersion { get; set; }
    public WebhookTime CreatedAt { get; set; }
    public string? Type { get; set; }
    public WebhookData? Data { get; set; }
}

/// <summary>The <c>data</c> object of the in-room events; fields of other event types are skipped.</summary>
internal sealed class WebhookData
{
    public string? MeetingId { get; set; }
    public string? RoomName { get; set; }
    public string? Subdomain { get; set; }
    public string? ParticipantId { get; set; }
    public string? RoomSessionId { get; set; }
    public string? DisplayName { get; set; }
    public string? ExternalId { get; set; }
    public string? Metadata { get; set; }
    public string? RoleName { get; set; }
    public int? NumClients { get; set; }
    public Dictionary<string, int>? NumClientsByRoleName { get; set; }
    public bool? IsDialIn { get; set; }
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
[JsonSerializable(typeof(IngestResponse))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;

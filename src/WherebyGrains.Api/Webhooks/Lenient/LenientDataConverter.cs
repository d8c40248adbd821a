using System.Text.Json;
using System.Text.Json.Serialization;

namespace WherebyGrains.Api.Webhooks.Lenient;

/// <summary>
/// <c>data</c>, leniently. An unknown type's <c>data</c> may hold anything (Whereby adds types), so a
/// <c>data</c> that is not an object reads as absent, and one whose object does not read as an
/// in-room event's (a room name that is an object, a repeated key) reads as unreadable: the parser
/// rejects those only for the types a room records, which need it.
/// </summary>
internal sealed class LenientDataConverter : JsonConverter<WebhookData?>
{
    /// <inheritdoc />
    public override WebhookData? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            LenientReads.Note(LenientFields.Data);
            reader.Skip();
            return null;
        }
        // A copy reads the object; on failure the original skips it whole (the body is complete and
        // well-formed JSON up to here, or the skip throws and the body is not JSON at all).
        var probe = reader;
        try
        {
            var data = JsonSerializer.Deserialize(ref probe, WebhookJsonContext.Default.WebhookData);
            reader = probe;
            return data;
        }
        catch (JsonException e)
        {
            LenientReads.Note(LenientFields.Data);
            reader.Skip();
            return new WebhookData { Unreadable = e.Message };
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, WebhookData? value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, WebhookJsonContext.Default.WebhookData);
}

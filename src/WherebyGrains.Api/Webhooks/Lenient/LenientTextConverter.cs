using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WherebyGrains.Api.Webhooks.Lenient;

/// <summary>
/// Text that the rules may use but never need: a string as is, a number as its JSON text, anything
/// else (an object, an array, a boolean) as absent. Only strings are as documented.
/// </summary>
public abstract class LenientTextConverter(LenientFields field) : JsonConverter<string?>
{
    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                LenientReads.Note(field);
                // A number token is plain ASCII, never escaped.
                return Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
            default:
                LenientReads.Note(field);
                reader.Skip();
                return null;
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary><c>apiVersion</c>, leniently.</summary>
public sealed class LenientApiVersion() : LenientTextConverter(LenientFields.ApiVersion);

/// <summary><c>data.meetingId</c>, leniently.</summary>
public sealed class LenientMeetingId() : LenientTextConverter(LenientFields.MeetingId);

/// <summary><c>data.subdomain</c>, leniently.</summary>
public sealed class LenientSubdomain() : LenientTextConverter(LenientFields.Subdomain);

/// <summary><c>data.participantId</c>, leniently.</summary>
public sealed class LenientParticipantId() : LenientTextConverter(LenientFields.ParticipantId);

/// <summary><c>data.roomSessionId</c>, leniently.</summary>
public sealed class LenientRoomSessionId() : LenientTextConverter(LenientFields.RoomSessionId);

/// <summary><c>data.displayName</c>, leniently.</summary>
public sealed class LenientDisplayName() : LenientTextConverter(LenientFields.DisplayName);

/// <summary><c>data.externalId</c>, leniently.</summary>
public sealed class LenientExternalId() : LenientTextConverter(LenientFields.ExternalId);

/// <summary><c>data.metadata</c>, leniently.</summary>
public sealed class LenientMetadata() : LenientTextConverter(LenientFields.Metadata);

/// <summary><c>data.roleName</c>, leniently.</summary>
public sealed class LenientRoleName() : LenientTextConverter(LenientFields.RoleName);

using System.Text.Json;
using System.Text.Json.Serialization;

namespace WherebyGrains.Api.Webhooks.Lenient;

/// <summary><c>data.numClients</c>, leniently (see <see cref="LenientCount"/>).</summary>
public sealed class LenientNumClients : JsonConverter<int?>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override int? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        var isNumber = reader.TokenType == JsonTokenType.Number;
        var count = LenientCount.Read(ref reader);
        if (count is null || !isNumber)
        {
            LenientReads.Note(LenientFields.NumClients);
        }
        return count;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, int? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>
/// <c>data.numClientsByRoleName</c>, leniently: an object of role → count whose unreadable entries
/// are dropped (each a lenient read); anything but an object reads as absent.
/// </summary>
public sealed class LenientNumClientsByRoleName : JsonConverter<Dictionary<string, int>?>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override Dictionary<string, int>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            LenientReads.Note(LenientFields.NumClientsByRoleName);
            reader.Skip();
            return null;
        }
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var role = reader.GetString()!;
            reader.Read();
            var isNumber = reader.TokenType == JsonTokenType.Number;
            if (LenientCount.Read(ref reader) is { } count)
            {
                // A repeated role: the last one stands, as for any JSON object read leniently.
                counts[role] = count;
                if (!isNumber)
                {
                    LenientReads.Note(LenientFields.NumClientsByRoleName);
                }
            }
            else
            {
                LenientReads.Note(LenientFields.NumClientsByRoleName);
            }
        }
        return counts;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Dictionary<string, int>? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartObject();
        foreach (var (role, count) in value)
        {
            writer.WriteNumber(role, count);
        }
        writer.WriteEndObject();
    }
}

/// <summary><c>data.isDialIn</c>, leniently: a boolean, or the text <c>true</c>/<c>false</c>; else absent.</summary>
public sealed class LenientIsDialIn : JsonConverter<bool?>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            default:
                LenientReads.Note(LenientFields.IsDialIn);
                if (reader.TokenType == JsonTokenType.String && bool.TryParse(reader.GetString(), out var text))
                {
                    return text;
                }
                reader.Skip();
                return null;
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteBooleanValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

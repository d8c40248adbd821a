using System.Text.Json;
using System.Text.Json.Serialization;

namespace WherebyGrains.Api.Webhooks;

/// <summary>How a webhook's <c>createdAt</c> read.</summary>
public enum WebhookTimeStatus
{
    /// <summary>Absent or null.</summary>
    Missing,

    /// <summary>An ISO-8601 time with a zone (<c>Z</c> or an offset).</summary>
    Valid,

    /// <summary>An ISO-8601 time without a zone: its instant is unknown.</summary>
    NoZone,

    /// <summary>Not an ISO-8601 time (another JSON type, or text that is not one).</summary>
    Unreadable,
}

/// <summary>A webhook's <c>createdAt</c> as read: the instant, or why there is none.</summary>
/// <param name="Value">The instant, when <paramref name="Status"/> is <see cref="WebhookTimeStatus.Valid"/>.</param>
/// <param name="Status">How it read.</param>
[JsonConverter(typeof(WebhookTimeConverter))]
public readonly record struct WebhookTime(DateTimeOffset Value, WebhookTimeStatus Status);

/// <summary>
/// Reads <c>createdAt</c> with System.Text.Json's ISO-8601 parser, but never guesses a zone: a
/// time without one would be read in the server's own zone, and Whereby's are UTC with <c>Z</c>.
/// </summary>
public sealed class WebhookTimeConverter : JsonConverter<WebhookTime>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override WebhookTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return default;
            case JsonTokenType.String:
                if (!reader.TryGetDateTimeOffset(out var value))
                {
                    return new WebhookTime(default, WebhookTimeStatus.Unreadable);
                }
                return HasZone(reader) ? new WebhookTime(value, WebhookTimeStatus.Valid) : new WebhookTime(default, WebhookTimeStatus.NoZone);
            default:
                reader.Skip();
                return new WebhookTime(default, WebhookTimeStatus.Unreadable);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, WebhookTime value, JsonSerializerOptions options)
    {
        if (value.Status == WebhookTimeStatus.Valid)
        {
            writer.WriteStringValue(value.Value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>True when the time part (after the date's <c>T</c>) ends in <c>Z</c> or carries an offset.</summary>
    private static bool HasZone(Utf8JsonReader reader)
    {
        // ISO-8601 times are short; an escaped one is unescaped into the stack.
        Span<byte> buffer = stackalloc byte[64];
        scoped ReadOnlySpan<byte> text;
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            text = reader.ValueSpan;
        }
        else
        {
            var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (length > buffer.Length)
            {
                return false;
            }
            text = buffer[..reader.CopyString(buffer)];
        }
        var t = text.IndexOfAny((byte)'T', (byte)'t');
        if (t < 0)
        {
            // A date alone: the parser reads it as midnight of an unknown zone.
            return false;
        }
        var time = text[(t + 1)..];
        return time.Length > 0 && (time[^1] is (byte)'Z' or (byte)'z' || time.IndexOfAny((byte)'+', (byte)'-') >= 0);
    }
}

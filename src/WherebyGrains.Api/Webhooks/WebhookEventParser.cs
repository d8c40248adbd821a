using System.Text.Json;
using WherebyGrains.Api.Webhooks.Lenient;
using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Webhooks;

/// <summary>The outcome of parsing a verified webhook body.</summary>
/// <param name="Id">The event id, when the body had one.</param>
/// <param name="Type">The event type, when the body had one.</param>
/// <param name="Event">The event to record; null when the type is acknowledged and ignored.</param>
/// <param name="Error">Why the body is not a Whereby event; null when it is.</param>
public readonly record struct ParsedWebhook(string? Id, string? Type, WherebyEvent? Event, string? Error)
{
    /// <summary>The fields read leniently (counted in metrics; never a reason to reject).</summary>
    public LenientFields Lenient { get; init; }
}

/// <summary>
/// Turns a verified body into a <see cref="WherebyEvent"/>. Unknown fields are skipped, and
/// event types that no room records (transcription, recording, and types Whereby adds later)
/// parse to an acknowledged, ignored event.
/// </summary>
public static class WebhookEventParser
{
    /// <summary>Longest accepted event id, event type or session/participant id (Whereby's ids are 64 chars).</summary>
    public const int MaxIdLength = 128;

    /// <summary>Parses <paramref name="body"/> without bounds on its time; never throws.</summary>
    public static ParsedWebhook Parse(ReadOnlySpan<byte> body) => Parse(body, null);

    /// <summary>Parses <paramref name="body"/>, whose <c>createdAt</c> must be within <paramref name="bounds"/>; never throws.</summary>
    public static ParsedWebhook Parse(ReadOnlySpan<byte> body, EventTimeBounds? bounds)
    {
        WebhookEnvelope? envelope;
        LenientReads.Begin();
        try
        {
            envelope = JsonSerializer.Deserialize(body, WebhookJsonContext.Default.WebhookEnvelope);
        }
        catch (JsonException e)
        {
            // The message names the path and position, never the content.
            return Fail(null, null, $"The body is not valid JSON for a Whereby event: {e.Message}");
        }
        catch (ArgumentException)
        {
            // Thrown for invalid UTF-8 before the reader can report a JsonException.
            return Fail(null, null, "The body is not valid UTF-8 JSON.");
        }

        if (envelope is null)
        {
            return Fail(null, null, "The body is JSON null, not a Whereby event.");
        }
        if (!IsToken(envelope.Id, MaxIdLength))
        {
            return Fail(null, envelope.Type, $"'id' is required: 1-{MaxIdLength} printable characters.");
        }
        if (!IsToken(envelope.Type, MaxIdLength))
        {
            return Fail(envelope.Id, null, $"'type' is required: 1-{MaxIdLength} printable characters.");
        }
        switch (envelope.CreatedAt.Status)
        {
            case WebhookTimeStatus.Missing:
                return Fail(envelope.Id, envelope.Type, "'createdAt' is required: an ISO-8601 time in UTC, e.g. 2026-11-29T10:15:00.000Z.");
            case WebhookTimeStatus.NoZone:
                return Fail(envelope.Id, envelope.Type, "'createdAt' has no time zone: Whereby's times are UTC with 'Z', e.g. 2026-11-29T10:15:00.000Z.");
            case WebhookTimeStatus.Unreadable:
                return Fail(envelope.Id, envelope.Type, "'createdAt' is not an ISO-8601 time, e.g. 2026-11-29T10:15:00.000Z.");
        }
        var createdAt = envelope.CreatedAt.Value;
        if (bounds?.Check(createdAt) is { } implausible)
        {
            return Fail(envelope.Id, envelope.Type, implausible);
        }
        var lenient = LenientReads.End();
        if (!WherebyEventTypes.IsRecordedByRoom(envelope.Type!))
        {
            return new ParsedWebhook(envelope.Id, envelope.Type, null, null) { Lenient = lenient };
        }

        var data = envelope.Data;
        if (data?.Unreadable is { } unreadable)
        {
            return Fail(envelope.Id, envelope.Type, $"'data' does not read as the data of {envelope.Type}: {unreadable}");
        }
        if (data?.RoomName is not { } roomName || !RoomKey.IsValidRoomName(roomName))
        {
            return Fail(envelope.Id, envelope.Type, $"'data.roomName' is required for {envelope.Type}: '/' then up to {RoomKey.MaxRoomNameLength - 1} printable characters.");
        }
        if (!IsOptionalToken(data.ParticipantId) || !IsOptionalToken(data.RoomSessionId))
        {
            return Fail(envelope.Id, envelope.Type, $"'data.participantId' and 'data.roomSessionId' must be at most {MaxIdLength} printable characters.");
        }

        var evt = new WherebyEvent
        {
            Id = envelope.Id!,
            Type = envelope.Type!,
            CreatedAt = createdAt.ToUniversalTime(),
            RoomName = roomName,
            RoomSessionId = NullIfEmpty(data.RoomSessionId),
            ParticipantId = NullIfEmpty(data.ParticipantId),
            RoleName = NullIfEmpty(data.RoleName),
            ExternalId = NullIfEmpty(data.ExternalId),
            DisplayName = data.DisplayName,
            Metadata = data.Metadata,
            NumClients = data.NumClients,
            NumClientsByRoleName = data.NumClientsByRoleName,
            IsDialIn = data.IsDialIn,
            MeetingId = data.MeetingId,
        };
        return new ParsedWebhook(evt.Id, evt.Type, evt, null) { Lenient = lenient };
    }

    private static ParsedWebhook Fail(string? id, string? type, string error) =>
        new(IsToken(id, MaxIdLength) ? id : null, IsToken(type, MaxIdLength) ? type : null, null, error);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool IsOptionalToken(string? value) => string.IsNullOrEmpty(value) || IsToken(value, MaxIdLength);

    private static bool IsToken(string? value, int maxLength) =>
        !string.IsNullOrEmpty(value) && value.Length <= maxLength && !value.AsSpan().ContainsAnyInRange('\0', ' ') && !value.Contains('\u007f');
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Queries;

/// <summary>A page of a list: <c>{"results":[...],"cursor":"..."|null}</c>.</summary>
/// <typeparam name="T">The row type.</typeparam>
/// <param name="Results">The rows of this page.</param>
/// <param name="Cursor">Pass back to get the next page; null on the last.</param>
public sealed record ListResponse<T>(IReadOnlyList<T> Results, string? Cursor);

/// <summary>The per-person report of <c>/v1/attendance</c>.</summary>
/// <param name="ExternalId">The <c>externalId</c> asked for; null when asked by <c>personId</c>.</param>
/// <param name="PersonId">The person key the report is of (the <c>externalId</c> or <c>personId</c> asked for).</param>
/// <param name="AttendedSeconds">Attended seconds over every session in the range.</param>
/// <param name="Sessions">One row per session attended, newest first.</param>
public sealed record AttendanceReport(string? ExternalId, string PersonId, double AttendedSeconds, IReadOnlyList<AttendanceRow> Sessions);

/// <summary>Writes instants as api.md asks: ISO-8601 UTC with milliseconds, <c>2026-11-29T10:15:00.000Z</c>.</summary>
public sealed class UtcMillisecondsConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}

/// <summary>Source-generated JSON for the query API.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(UtcMillisecondsConverter)])]
[JsonSerializable(typeof(ListResponse<RoomSummary>))]
[JsonSerializable(typeof(ListResponse<RoomSessionView>))]
[JsonSerializable(typeof(ListResponse<ParticipantView>))]
[JsonSerializable(typeof(AttendanceReport))]
[JsonSerializable(typeof(PresenceView))]
public sealed partial class QueryJsonContext : JsonSerializerContext;

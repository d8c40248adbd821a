using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Queries;

/// <summary>Validation of query parameters and the choice of JSON or CSV.</summary>
public static class QueryRequest
{
    /// <summary>Default page size.</summary>
    public const int DefaultLimit = 10;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 100;

    /// <summary>A 400 problem with <paramref name="detail"/>.</summary>
    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    /// <summary>Parses <c>limit</c> (1–100, default 10).</summary>
    public static bool TryLimit(string? text, out int limit, out IResult? error)
    {
        error = null;
        limit = DefaultLimit;
        if (text is null)
        {
            return true;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit)
        {
            return true;
        }
        error = BadRequest($"'limit' must be a whole number from 1 to {MaxLimit}.");
        return false;
    }

    /// <summary>Decodes an optional cursor of <paramref name="kind"/>.</summary>
    public static bool TryCursor(string? cursor, string kind, int parts, out string[]? decoded, out IResult? error)
    {
        decoded = null;
        error = null;
        if (cursor is null)
        {
            return true;
        }
        if (Cursor.TryDecode(cursor, kind, parts, out var values))
        {
            decoded = values;
            return true;
        }
        error = BadRequest("'cursor' is not a cursor this list gave out: pass back the 'cursor' of the previous page unchanged.");
        return false;
    }

    /// <summary>
    /// Decodes an optional keyset cursor of <paramref name="kind"/> whose first part is a Unix time in
    /// milliseconds and whose other parts are text: a cursor is the client's text, so
    /// every part is checked here (a forged one is a 400, never an exception).
    /// </summary>
    public static bool TryTimedCursor(string? cursor, string kind, int parts, out (long At, string[] Parts)? decoded, out IResult? error)
    {
        decoded = null;
        if (!TryCursor(cursor, kind, parts, out var values, out error))
        {
            return false;
        }
        if (values is null)
        {
            return true;
        }
        if (long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var at)
            && at >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && at <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            decoded = (at, values[1..]);
            return true;
        }
        error = BadRequest("'cursor' is not a cursor this list gave out: pass back the 'cursor' of the previous page unchanged.");
        return false;
    }

    /// <summary>Checks a required <c>roomName</c>.</summary>
    public static bool TryRoomName(string? roomName, out IResult? error)
    {
        error = RoomKey.IsValidRoomName(roomName) ? null : BadRequest("'roomName' is required: the room's name starting with '/', e.g. roomName=/abc (URL-encoded).");
        return error is null;
    }

    /// <summary>Parses an optional ISO-8601 instant.</summary>
    public static bool TryInstant(string? text, string name, out DateTimeOffset? instant, out IResult? error)
    {
        instant = null;
        error = null;
        if (text is null)
        {
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            instant = parsed;
            return true;
        }
        error = BadRequest($"'{name}' must be an ISO-8601 time, e.g. 2026-11-29T10:15:00.000Z.");
        return false;
    }

    /// <summary>True when the client asked for CSV.</summary>
    public static bool WantsCsv(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(Csv.MediaType, StringComparison.OrdinalIgnoreCase));

    /// <summary>A page as JSON, or its rows as CSV when asked.</summary>
    public static IResult Page<T>(HttpRequest request, IReadOnlyList<T> rows, string? cursor, JsonTypeInfo<ListResponse<T>> page, JsonTypeInfo<T> row)
    {
        if (!WantsCsv(request))
        {
            return TypedResults.Json(new ListResponse<T>(rows, cursor), page);
        }
        if (cursor is not null)
        {
            // CSV has no envelope: the next page's cursor travels in a header.
            request.HttpContext.Response.Headers["X-Next-Cursor"] = cursor;
        }
        return TypedResults.Text(Csv.Write(rows, row), Csv.MediaType + "; charset=utf-8");
    }

    /// <summary>One page of <paramref name="ordered"/>: the rows past the cursor, and the cursor of the next page (null on the last).</summary>
    public static (List<T> Rows, string? Cursor) Slice<T>(IEnumerable<T> ordered, Func<T, bool> isAfterCursor, int limit, Func<T, string> cursorOf)
    {
        var rows = ordered.Where(isAfterCursor).Take(limit + 1).ToList();
        if (rows.Count <= limit)
        {
            return (rows, null);
        }
        rows.RemoveAt(limit);
        return (rows, cursorOf(rows[^1]));
    }
}

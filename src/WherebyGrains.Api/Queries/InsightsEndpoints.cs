using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Queries;

/// <summary><c>/v1/insights/*</c>: the shapes of Whereby's Insights API, live.</summary>
public static class InsightsEndpoints
{
    /// <summary>Maps rooms, room-sessions and participants.</summary>
    public static RouteGroupBuilder MapInsights(this RouteGroupBuilder v1)
    {
        var insights = v1.MapGroup("/insights").WithTags("Insights");
        insights.MapGet("/rooms", ListRoomsAsync)
            .WithName("ListRooms").WithSummary("Every room that has had an event, by name, with its totals.")
            .Produces<ListResponse<RoomSummary>>(StatusCodes.Status200OK, "application/json", Csv.MediaType);
        insights.MapGet("/room-sessions", ListRoomSessionsAsync)
            .WithName("ListRoomSessions").WithSummary("A room's sessions, newest first, with their totals; with roomSessionId, only that session (none if the room has no such session).")
            .Produces<ListResponse<RoomSessionView>>(StatusCodes.Status200OK, "application/json", Csv.MediaType);
        insights.MapGet("/participants", ListParticipantsAsync)
            .WithName("ListParticipants").WithSummary("One row per connection, of a session or of a person, by join time.")
            .Produces<ListResponse<ParticipantView>>(StatusCodes.Status200OK, "application/json", Csv.MediaType);
        return v1;
    }

    private static async Task<IResult> ListRoomsAsync(HttpContext http, IGrainFactory grains, string? limit, string? cursor)
    {
        if (!QueryRequest.TryLimit(limit, out var size, out var error) || !QueryRequest.TryCursor(cursor, "rooms", 1, out var after, out error))
        {
            return error!;
        }
        var tenant = ApiKeyFilter.TenantOf(http);
        var afterName = after?[0];

        // Each bucket returns its next names in order; merging them gives the tenant's next names.
        var slices = await Task.WhenAll(Enumerable.Range(0, IRoomIndexGrain.Buckets)
            .Select(b => grains.GetGrain<IRoomIndexGrain>(IRoomIndexGrain.BucketKey(tenant, b)).ListAsync(afterName, size + 1)));
        var (listings, next) = QueryRequest.Slice(slices.SelectMany(s => s).OrderBy(l => l.RoomName, StringComparer.Ordinal), _ => true, size, l => Cursor.Encode("rooms", l.RoomName));
        // Rooms pushed their totals to the index: only a live one (in memory anyway) or one that has
        // not pushed yet is asked. Listing rooms activates none that sleeps.
        var rows = await Task.WhenAll(listings.Select(l => l.Summary is { } pushed
            ? Task.FromResult(pushed)
            : grains.GetGrain<IRoomGrain>(new RoomKey(tenant, l.RoomName).ToString()).GetSummaryAsync()));
        return QueryRequest.Page(http.Request, rows, next, QueryJsonContext.Default.ListResponseRoomSummary, QueryJsonContext.Default.RoomSummary);
    }

    private static async Task<IResult> ListRoomSessionsAsync(HttpContext http, IGrainFactory grains, string? roomName, string? roomSessionId, string? limit, string? cursor)
    {
        if (!QueryRequest.TryRoomName(roomName, out var error)
            || !QueryRequest.TryLimit(limit, out var size, out error)
            || !QueryRequest.TryTimedCursor(cursor, "sessions", 2, out var after, out error))
        {
            return error!;
        }
        IEnumerable<RoomSessionView> sessions = await grains.GetGrain<IRoomGrain>(new RoomKey(ApiKeyFilter.TenantOf(http), roomName!).ToString()).GetSessionsAsync();
        if (roomSessionId is not null)
        {
            // Still a list (Insights' shape): one row, or none for a session the room never had.
            sessions = sessions.Where(s => s.RoomSessionId == roomSessionId);
        }

        // Newest first, then by id: a session that starts meanwhile lands before the cursor, never on a later page.
        var (rows, next) = QueryRequest.Slice(
            sessions,
            s => after is not { } a || s.StartedAt.ToUnixTimeMilliseconds() < a.At
                || (s.StartedAt.ToUnixTimeMilliseconds() == a.At && string.CompareOrdinal(s.RoomSessionId, a.Parts[0]) > 0),
            size,
            s => Cursor.Encode("sessions", s.StartedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), s.RoomSessionId));
        return QueryRequest.Page(http.Request, rows, next, QueryJsonContext.Default.ListResponseRoomSessionView, QueryJsonContext.Default.RoomSessionView);
    }

    private static async Task<IResult> ListParticipantsAsync(
        HttpContext http, IGrainFactory grains, PersonKeys personKeys, string? roomSessionId, string? externalId, string? limit, string? cursor)
    {
        if ((roomSessionId is null) == (externalId is null))
        {
            return QueryRequest.BadRequest("Give exactly one of 'roomSessionId' or 'externalId'.");
        }
        if (!QueryRequest.TryLimit(limit, out var size, out var error) || !QueryRequest.TryTimedCursor(cursor, "participants", 4, out var after, out error))
        {
            return error!;
        }
        var tenant = ApiKeyFilter.TenantOf(http);
        var connections = roomSessionId is not null
            ? await OfSessionAsync(grains, tenant, roomSessionId)
            : await OfPersonAsync(grains, personKeys, tenant, externalId!);

        var ordered = connections
            .OrderBy(p => p.JoinedAt).ThenBy(p => p.ParticipantId, StringComparer.Ordinal).ThenBy(p => p.RoomName, StringComparer.Ordinal)
            // A connection that stayed across sessions has a row in each (rule 7).
            .ThenBy(p => p.RoomSessionId, StringComparer.Ordinal);
        var (rows, next) = QueryRequest.Slice(
            ordered,
            p => after is not { } a || Compare(p, a.At, a.Parts[0], a.Parts[1], a.Parts[2]) > 0,
            size,
            p => Cursor.Encode("participants", p.JoinedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), p.ParticipantId, p.RoomName, p.RoomSessionId ?? ""));
        return QueryRequest.Page(http.Request, rows, next, QueryJsonContext.Default.ListResponseParticipantView, QueryJsonContext.Default.ParticipantView);
    }

    private static int Compare(ParticipantView p, long joined, string participantId, string roomName, string roomSessionId)
    {
        var byTime = p.JoinedAt.ToUnixTimeMilliseconds().CompareTo(joined);
        if (byTime != 0)
        {
            return byTime;
        }
        var byId = string.CompareOrdinal(p.ParticipantId, participantId);
        if (byId != 0)
        {
            return byId;
        }
        var byRoom = string.CompareOrdinal(p.RoomName, roomName);
        return byRoom != 0 ? byRoom : string.CompareOrdinal(p.RoomSessionId ?? "", roomSessionId);
    }

    private static async Task<IEnumerable<ParticipantView>> OfSessionAsync(IGrainFactory grains, string tenant, string roomSessionId)
    {
        var rooms = await grains.GetGrain<ISessionDirectoryGrain>(ISessionDirectoryGrain.KeyFor(tenant, roomSessionId)).FindAsync(roomSessionId);
        var lists = await Task.WhenAll(rooms.Select(r => grains.GetGrain<IRoomGrain>(new RoomKey(tenant, r).ToString()).GetParticipantsAsync(roomSessionId)));
        return lists.SelectMany(l => l);
    }

    private static async Task<IEnumerable<ParticipantView>> OfPersonAsync(IGrainFactory grains, PersonKeys personKeys, string tenant, string externalId)
    {
        var rows = await grains.GetGrain<IPersonReportGrain>(personKeys.For(tenant, externalId)).GetAttendanceAsync();
        var lists = await Task.WhenAll(rows.Select(r => grains.GetGrain<IRoomGrain>(new RoomKey(tenant, r.RoomName).ToString()).GetParticipantsAsync(r.RoomSessionId)));
        return lists.SelectMany(l => l).Where(p => p.ExternalId == externalId || p.PersonId == externalId);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;
using WherebyGrains.Attendance;
using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Queries;

/// <summary><c>/v1/attendance</c>: how long one person attended, across reconnects, sessions and rooms.</summary>
public static class AttendanceEndpoints
{
    /// <summary>Maps the per-person report.</summary>
    public static RouteGroupBuilder MapAttendance(this RouteGroupBuilder v1)
    {
        v1.MapGet("/attendance", GetAttendanceAsync)
            .WithTags("Attendance")
            .WithName("GetAttendance")
            .WithSummary("A person's attended seconds per session and in total, optionally in one room and a time range (sessions starting in [from, to)). The person is given by externalId or by personId (as participants rows show it), exactly one.")
            .Produces<AttendanceReport>(StatusCodes.Status200OK, "application/json", Csv.MediaType);
        return v1;
    }

    private static async Task<IResult> GetAttendanceAsync(
        HttpContext http, IGrainFactory grains, PersonKeys personKeys, IOptionsMonitor<WherebyGrainsOptions> options, string? externalId, string? personId, string? roomName, string? from, string? to)
    {
        if (string.IsNullOrEmpty(externalId) == string.IsNullOrEmpty(personId))
        {
            return QueryRequest.BadRequest(
                "Give exactly one of 'externalId' or 'personId': the person's externalId, or the 'personId' of their participants rows (externalId, verified metadata value, or participantId).");
        }
        // Both name the same person key (rule 4): a participants row's personId is the key itself,
        // and an externalId is one whenever the tenant counts externalIds. The grain key is the
        // keyed hash of it, never the value.
        var byPersonId = !string.IsNullOrEmpty(personId);
        var person = byPersonId ? personId! : externalId!;
        IResult? error = null;
        if ((roomName is not null && !QueryRequest.TryRoomName(roomName, out error))
            || !QueryRequest.TryInstant(from, "from", out var fromAt, out error)
            || !QueryRequest.TryInstant(to, "to", out var toAt, out error))
        {
            return error!;
        }
        var tenant = ApiKeyFilter.TenantOf(http);
        var rows = (await grains.GetGrain<IPersonReportGrain>(personKeys.For(tenant, person)).GetAttendanceAsync()).ToList();

        // Rows of live sessions carry the numbers of their hand-off: ask their rooms for now's. The
        // room holds its live sessions, so a live row it no longer has is one a late event took away
        // (its withdrawal may still be on its way).
        foreach (var room in rows.Where(r => r.SessionEndedAt is null).Select(r => r.RoomName).Distinct(StringComparer.Ordinal).ToList())
        {
            var current = await grains.GetGrain<IRoomGrain>(new RoomKey(tenant, room).ToString()).GetAttendanceAsync(person);
            rows = [.. rows.Select(r => r.RoomName != room ? r : current.FirstOrDefault(c => c.RoomSessionId == r.RoomSessionId) ?? (r.SessionEndedAt is null ? null : r))
                .OfType<AttendanceRow>()];
        }

        // Judged as the report is read, so that rows stored before hold them too, and present by the
        // tenant's policy as it is now: a changed policy applies to every row at once.
        var policy = options.CurrentValue.Tenants.TryGetValue(tenant, out var configured) ? configured.Attendance.Policy : null;
        var sessions = rows
            .Select(r => r with
            {
                LateSeconds = AttendancePolicy.LateSeconds(r.FirstJoinedAt.ToUnixTimeMilliseconds(), r.SessionStartedAt.ToUnixTimeMilliseconds()),
                Present = policy?.IsPresent(r.AttendedSeconds, r.AttendanceRatio),
            })
            .Where(r => roomName is null || r.RoomName == roomName)
            .Where(r => fromAt is null || r.SessionStartedAt >= fromAt)
            .Where(r => toAt is null || r.SessionStartedAt < toAt)
            .OrderByDescending(r => r.SessionStartedAt).ThenBy(r => r.RoomName, StringComparer.Ordinal)
            .ToList();
        if (QueryRequest.WantsCsv(http.Request))
        {
            return TypedResults.Text(Csv.Write(sessions, QueryJsonContext.Default.AttendanceRow), Csv.MediaType + "; charset=utf-8");
        }
        return TypedResults.Json(new AttendanceReport(byPersonId ? null : externalId, person, sessions.Sum(s => s.AttendedSeconds), sessions), QueryJsonContext.Default.AttendanceReport);
    }
}

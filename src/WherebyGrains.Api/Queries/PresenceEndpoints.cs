using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Queries;

/// <summary><c>/v1/rooms/presence</c>: who is in a room right now.</summary>
public static class PresenceEndpoints
{
    /// <summary>Maps live presence.</summary>
    public static RouteGroupBuilder MapPresence(this RouteGroupBuilder v1)
    {
        v1.MapGet("/rooms/presence", GetPresenceAsync)
            .WithTags("Presence")
            .WithName("GetPresence")
            .WithSummary("Who is connected and who is knocking now, and the live session.")
            .Produces<PresenceView>(StatusCodes.Status200OK, "application/json");
        return v1;
    }

    private static async Task<IResult> GetPresenceAsync(HttpContext http, IGrainFactory grains, string? roomName)
    {
        if (!QueryRequest.TryRoomName(roomName, out var error))
        {
            return error!;
        }
        var presence = await grains.GetGrain<IRoomGrain>(new RoomKey(ApiKeyFilter.TenantOf(http), roomName!).ToString()).GetPresenceAsync();
        return TypedResults.Json(presence, QueryJsonContext.Default.PresenceView);
    }
}

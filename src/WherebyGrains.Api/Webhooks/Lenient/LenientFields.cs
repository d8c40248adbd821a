namespace WherebyGrains.Api.Webhooks.Lenient;

/// <summary>
/// The fields of a signed event that were read leniently (a count given as text, a name given as a
/// number, an object where text was expected): read as well as they could be, or as absent, and
/// never a reason to reject the event. Flags, so that a parse records them without allocating.
/// </summary>
[Flags]
public enum LenientFields
{
    /// <summary>Every field read as Whereby documents it.</summary>
    None = 0,

    /// <summary><c>apiVersion</c>.</summary>
    ApiVersion = 1 << 0,

    /// <summary><c>data</c> (not an object, or an object that does not read as an in-room event's data).</summary>
    Data = 1 << 1,

    /// <summary><c>data.meetingId</c>.</summary>
    MeetingId = 1 << 2,

    /// <summary><c>data.subdomain</c>.</summary>
    Subdomain = 1 << 3,

    /// <summary><c>data.participantId</c>.</summary>
    ParticipantId = 1 << 4,

    /// <summary><c>data.roomSessionId</c>.</summary>
    RoomSessionId = 1 << 5,

    /// <summary><c>data.displayName</c>.</summary>
    DisplayName = 1 << 6,

    /// <summary><c>data.externalId</c>.</summary>
    ExternalId = 1 << 7,

    /// <summary><c>data.metadata</c>.</summary>
    Metadata = 1 << 8,

    /// <summary><c>data.roleName</c>.</summary>
    RoleName = 1 << 9,

    /// <summary><c>data.numClients</c>.</summary>
    NumClients = 1 << 10,

    /// <summary><c>data.numClientsByRoleName</c> (the whole value, or some of its entries).</summary>
    NumClientsByRoleName = 1 << 11,

    /// <summary><c>data.isDialIn</c>.</summary>
    IsDialIn = 1 << 12,
}

/// <summary>Names of <see cref="LenientFields"/> as metric tags.</summary>
public static class LenientFieldNames
{
    private static readonly (LenientFields Field, string Name)[] Names =
    [
        (LenientFields.ApiVersion, "apiVersion"),
        (LenientFields.Data, "data"),
        (LenientFields.MeetingId, "data.meetingId"),
        (LenientFields.Subdomain, "data.subdomain"),
        (LenientFields.ParticipantId, "data.participantId"),
        (LenientFields.RoomSessionId, "data.roomSessionId"),
        (LenientFields.DisplayName, "data.displayName"),
        (LenientFields.ExternalId, "data.externalId"),
        (LenientFields.Metadata, "data.metadata"),
        (LenientFields.RoleName, "data.roleName"),
        (LenientFields.NumClients, "data.numClients"),
        (LenientFields.NumClientsByRoleName, "data.numClientsByRoleName"),
        (LenientFields.IsDialIn, "data.isDialIn"),
    ];

    /// <summary>The JSON path of each field set in <paramref name="fields"/>.</summary>
    public static IEnumerable<string> Of(LenientFields fields)
    {
        foreach (var (field, name) in Names)
        {
            if ((fields & field) != 0)
            {
                yield return name;
            }
        }
    }
}

namespace WherebyGrains.Contracts;

/// <summary>
/// Identifies one Whereby room of one tenant. Its string form is the room grain's key:
/// <c>{tenantId}{roomName}</c>, e.g. <c>acme/r6y7hw</c>. Tenant ids never contain <c>/</c> and
/// room names always start with it, so the form parses back without ambiguity.
/// Room names are not personal data, so the key may appear in Orleans' logs.
/// </summary>
[GenerateSerializer, Immutable, Alias("wg.RoomKey")]
public readonly record struct RoomKey(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string RoomName)
{
    /// <summary>The grain key form, <c>{tenantId}{roomName}</c>.</summary>
    public override string ToString() => TenantId + RoomName;

    /// <summary>The longest accepted room name.</summary>
    public const int MaxRoomNameLength = 256;

    /// <summary>A room name as Whereby writes them: <c>/</c>, then 1–255 printable characters.</summary>
    public static bool IsValidRoomName(string? value) =>
        value is { Length: >= 2 and <= MaxRoomNameLength } && value[0] == '/'
        && !value.AsSpan().ContainsAnyInRange('\0', '\u001f') && !value.Contains('\u007f');

    /// <summary>Parses the grain key form written by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The key has no room part.</exception>
    public static RoomKey Parse(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0)
        {
            throw new FormatException($"'{key}' is not a room key: expected '<tenantId>/<room>'.");
        }
        return new RoomKey(key[..slash], key[slash..]);
    }
}

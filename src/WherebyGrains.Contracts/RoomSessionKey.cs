using System.Globalization;

namespace WherebyGrains.Contracts;

/// <summary>
/// Identifies one archived session of one room: the archived-session grain's key. Both a room
/// name and a session id may contain <c>#</c>, so the key is written and read here only.
/// <list type="bullet">
/// <item>A room name without <c>#</c>: <c>{roomKey}#{roomSessionId}</c>, e.g. <c>acme/r6y7hw#s1</c>,
/// split at the first <c>#</c> (the form every archived session was stored under before: those
/// records keep their key).</item>
/// <item>A room name with <c>#</c>: <c>{tenantId}#{roomName length}{roomName}#{roomSessionId}</c>,
/// e.g. <c>acme#5/a#bc#s1</c>. A tenant id never contains <c>#</c> and the first form has
/// <c>/</c> right after the tenant id, so the two never read as each other.</item>
/// </list>
/// </summary>
/// <param name="Room">The room.</param>
/// <param name="RoomSessionId">The session's id.</param>
public readonly record struct RoomSessionKey(RoomKey Room, string RoomSessionId)
{
    /// <summary>The grain key form; <see cref="Parse"/> reads it back.</summary>
    public override string ToString() => Room.RoomName.Contains('#')
        ? string.Create(CultureInfo.InvariantCulture, $"{Room.TenantId}#{Room.RoomName.Length}{Room.RoomName}#{RoomSessionId}")
        : $"{Room}#{RoomSessionId}";

    /// <summary>Parses the grain key form written by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The key is not of either form.</exception>
    public static RoomSessionKey Parse(string key)
    {
        var mark = key.AsSpan().IndexOfAny('/', '#');
        if (mark <= 0)
        {
            throw Invalid(key);
        }
        var tenantId = key[..mark];
        if (key[mark] == '/')
        {
            var hash = key.IndexOf('#', mark);
            return hash < 0 ? throw Invalid(key) : new(new RoomKey(tenantId, key[mark..hash]), key[(hash + 1)..]);
        }
        var slash = key.IndexOf('/', mark);
        if (slash < 0
            || !int.TryParse(key.AsSpan(mark + 1, slash - mark - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || length > key.Length - slash - 1
            || key[slash + length] != '#')
        {
            throw Invalid(key);
        }
        return new(new RoomKey(tenantId, key.Substring(slash, length)), key[(slash + length + 1)..]);
    }

    private static FormatException Invalid(string key) =>
        new($"'{key}' is not an archived-session key: expected '<tenantId>/<room>#<roomSessionId>' or '<tenantId>#<length>/<room>#<roomSessionId>'.");
}

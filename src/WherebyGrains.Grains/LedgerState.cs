using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// What a room, or an archived session, keeps durably: its events, what it has handed to person
/// grains, and the hand-offs not yet delivered (the outbox).
/// </summary>
[GenerateSerializer, Alias("wg.LedgerState")]
public class LedgerState
{
    /// <summary>The recorded events, in arrival order.</summary>
    [Id(0)] public List<WherebyEvent> Events { get; set; } = [];

    /// <summary>
    /// Per <c>{roomSessionId}\n{personId}</c>, a fingerprint of the row last handed off, so that only
    /// changed rows are handed off again.
    /// </summary>
    [Id(1)] public Dictionary<string, ulong> HandedOff { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Hand-offs computed but not yet durable in the people's rows (<see cref="IPersonRecords"/>).</summary>
    [Id(2)] public List<PersonHandOff> Outbox { get; set; } = [];

    /// <summary>Grows with every change; orders hand-offs so that a person's row never goes backwards.</summary>
    [Id(3)] public long Revision { get; set; }
}

/// <summary>One person's row, waiting to be written to the people's rows.</summary>
[GenerateSerializer, Immutable, Alias("wg.PersonHandOff")]
public sealed record PersonHandOff(
    [property: Id(0)] string PersonKey,
    [property: Id(1)] AttendanceRow Row,
    [property: Id(2)] long Revision)
{
    /// <summary>
    /// True when the person no longer has this row: a late event moved their connections to another
    /// session, or undid the session. Only <see cref="AttendanceRow.RoomName"/> and
    /// <see cref="AttendanceRow.RoomSessionId"/> of <see cref="Row"/> are meaningful then; stores keep
    /// it as a tombstone, so that an older hand-off of the row cannot bring it back.
    /// </summary>
    [Id(3)] public bool Withdrawn { get; init; }

    /// <summary>The withdrawal of the person's row of <paramref name="roomSessionId"/> in <paramref name="roomName"/>.</summary>
    public static PersonHandOff Withdrawal(string personKey, string roomName, string roomSessionId, long revision) => new(personKey, new AttendanceRow
    {
        RoomName = roomName,
        RoomSessionId = roomSessionId,
        SessionStartedAt = DateTimeOffset.UnixEpoch,
        FirstJoinedAt = DateTimeOffset.UnixEpoch,
        AttendedSeconds = 0,
        Connections = 0,
        AttendanceRatio = 0,
    }, revision) { Withdrawn = true };
}

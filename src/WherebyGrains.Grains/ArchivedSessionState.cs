namespace WherebyGrains.Grains;

/// <summary>The durable record of one archived session: its events, hand-offs and outbox.</summary>
// The alias keeps the name of before the rename: aliases name the type on the wire and never change.
[GenerateSerializer, Alias("wg.RoomSessionState")]
public sealed class ArchivedSessionState : LedgerState
{
    /// <summary>The session's id.</summary>
    [Id(0)] public string? RoomSessionId { get; set; }
}

namespace WherebyGrains.Grains;

/// <summary>The durable record of one archived session: its events, hand-offs and outbox.</summary>
[GenerateSerializer, Alias("wg.RoomSessionState")]
public sealed class RoomSessionState : LedgerState
{
    /// <summary>The session's id.</summary>
    [Id(0)] public string? RoomSessionId { get; set; }
}

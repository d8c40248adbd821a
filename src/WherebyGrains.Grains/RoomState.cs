using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>The durable record of one room.</summary>
[GenerateSerializer, Alias("wg.RoomState")]
public sealed class RoomState
{
    /// <summary>Every event the room has recorded, in arrival order.</summary>
    [Id(0)] public List<WherebyEvent> Events { get; set; } = [];
}

namespace WherebyGrains.Contracts;

/// <summary>
/// A room as the rooms list shows it, pushed by the room to its index bucket whenever it changes,
/// so that listing rooms activates none of them. A live room changes with every second and lists
/// without a summary (the list asks it: it is in memory anyway); any other room's totals stay as
/// pushed until an event changes them.
/// </summary>
/// <param name="RoomName">The room.</param>
/// <param name="Summary">Its totals; null while a session is live.</param>
[GenerateSerializer, Immutable, Alias("wg.RoomListing")]
public sealed record RoomListing([property: Id(0)] string RoomName, [property: Id(1)] RoomSummary? Summary);

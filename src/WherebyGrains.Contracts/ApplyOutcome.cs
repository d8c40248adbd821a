namespace WherebyGrains.Contracts;

/// <summary>What a room did with an event it was given ahead of its own durable write.</summary>
/// <param name="New">True when this delivery is the event's first: the room had not held it (or its first delivery was released).</param>
/// <param name="Durable">True when the room's own record already holds the event durably, so no journal entry is needed.</param>
[GenerateSerializer, Immutable, Alias("wg.ApplyOutcome")]
public readonly record struct ApplyOutcome([property: Id(0)] bool New, [property: Id(1)] bool Durable);

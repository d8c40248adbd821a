using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>The record of one person in grain storage (<see cref="GrainStoragePersonRecords"/>): a row per session attended.</summary>
[GenerateSerializer, Alias("wg.PersonState")]
public sealed class PersonState
{
    /// <summary>Rows by <c>{roomName}\n{roomSessionId}</c>.</summary>
    [Id(0)] public Dictionary<string, PersonSessionRow> Rows { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One row and the revision of the hand-off that wrote it.</summary>
[GenerateSerializer, Alias("wg.PersonSessionRow")]
public sealed record PersonSessionRow(
    [property: Id(0)] AttendanceRow Row,
    [property: Id(1)] long Revision);

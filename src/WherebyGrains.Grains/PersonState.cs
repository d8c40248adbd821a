using Orleans.Runtime;
using Orleans.Storage;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>The record of one person in grain storage (<see cref="GrainStoragePersonRecords"/>): a row per session attended.</summary>
[GenerateSerializer, Alias("wg.PersonState")]
public sealed class PersonState
{
    /// <summary>Rows by <c>{roomName}\n{roomSessionId}</c>.</summary>
    [Id(0)] public Dictionary<string, PersonSessionRow> Rows { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads the record <paramref name="id"/> from <paramref name="storage"/>: the stored record (its
    /// ETag for a write back) and its state, empty when there is none.
    /// </summary>
    public static async Task<(GrainState<PersonState> Record, PersonState Person)> ReadAsync(IGrainStorage storage, string stateName, GrainId id)
    {
        var record = new GrainState<PersonState>(new PersonState());
        await storage.ReadStateAsync(stateName, id, record);
        var person = record.State ??= new PersonState();
        return (record, person);
    }
}

/// <summary>One row and the revision of the hand-off that wrote it.</summary>
[GenerateSerializer, Alias("wg.PersonSessionRow")]
public sealed record PersonSessionRow(
    [property: Id(0)] AttendanceRow Row,
    [property: Id(1)] long Revision)
{
    /// <summary>A tombstone: the row was withdrawn (see <see cref="PersonHandOff.Withdrawn"/>) and is not reported.</summary>
    [Id(2)] public bool Withdrawn { get; init; }
}

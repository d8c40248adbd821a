using Orleans.Runtime;
using Orleans.Storage;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// One person's rows, a row per session attended: what <see cref="PersonRowsGrain"/> holds per
/// person, and the record person grains kept in grain storage before rooms wrote the rows.
/// </summary>
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

    /// <summary>Upserts the row (or withdrawal) of <paramref name="handOff"/> by (room, session); one older than the row held changes nothing.</summary>
    public void Merge(PersonHandOff handOff)
    {
        var key = handOff.Row.RoomName + "\n" + handOff.Row.RoomSessionId;
        if (Rows.TryGetValue(key, out var held) && held.Revision > handOff.Revision)
        {
            return;
        }
        Rows[key] = new PersonSessionRow(handOff.Row, handOff.Revision) { Withdrawn = handOff.Withdrawn };
    }

    /// <summary>The rows held, withdrawn ones left out.</summary>
    public IReadOnlyList<AttendanceRow> Current() => [.. Rows.Values.Where(r => !r.Withdrawn).Select(r => r.Row)];
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

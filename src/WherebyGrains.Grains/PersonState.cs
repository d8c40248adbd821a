using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// One person's rows, a row per session attended: what <see cref="PersonRowsGrain"/> holds per person.
/// </summary>
[GenerateSerializer, Alias("wg.PersonState")]
public sealed class PersonState
{
    /// <summary>Rows by <c>{roomName}\n{roomSessionId}</c>.</summary>
    [Id(0)] public Dictionary<string, PersonSessionRow> Rows { get; set; } = new(StringComparer.Ordinal);

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

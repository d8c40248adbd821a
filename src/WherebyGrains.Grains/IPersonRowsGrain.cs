using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// One shard of people's rows under memory storage (<see cref="MemoryPersonRecords"/>): the rows of
/// every person whose key hashes to it, held in memory. Keyed by the shard's number, so no person
/// key appears in a grain id.
/// </summary>
[Alias("wg.IPersonRowsGrain")]
public interface IPersonRowsGrain : IGrainWithIntegerKey
{
    /// <summary>Merges <paramref name="handOffs"/> (people of this shard): per person and session, the newest revision wins.</summary>
    [Alias("Write")]
    Task WriteAsync(IReadOnlyList<PersonHandOff> handOffs);

    /// <summary>The rows of the person with <paramref name="personKey"/>, withdrawn ones left out, in no particular order.</summary>
    [Alias("Read")]
    Task<IReadOnlyList<AttendanceRow>> ReadAsync(string personKey);
}

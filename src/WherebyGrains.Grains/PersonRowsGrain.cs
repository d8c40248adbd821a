using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// A shard of people's rows in memory (memory storage: nothing outlives the cluster anyway). A
/// write merges in place, one call per shard for a room's hand-offs, instead of reading,
/// deserializing, serializing and writing back each person's whole record through grain storage,
/// which cost more than the rest of the pipeline that memory storage is there to measure. Never
/// collected while idle: its rows would go with it.
/// </summary>
[KeepAlive]
public sealed class PersonRowsGrain : Grain, IPersonRowsGrain
{
    private readonly Dictionary<string, PersonState> _people = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task WriteAsync(IReadOnlyList<PersonHandOff> handOffs)
    {
        foreach (var handOff in handOffs.OrderBy(h => h.Revision))
        {
            if (!_people.TryGetValue(handOff.PersonKey, out var person))
            {
                _people[handOff.PersonKey] = person = new PersonState();
            }
            person.Merge(handOff);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AttendanceRow>> ReadAsync(string personKey) =>
        Task.FromResult<IReadOnlyList<AttendanceRow>>(_people.TryGetValue(personKey, out var person) ? person.Current() : []);
}

using Orleans.Concurrency;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// The per-person report's entry point: reads the person's rows from <see cref="IPersonRecords"/>,
/// where the rooms wrote them. Holds nothing, so any silo may serve it.
/// </summary>
[StatelessWorker]
public sealed class PersonReportGrain(IPersonRecords records) : Grain, IPersonReportGrain
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<AttendanceRow>> GetAttendanceAsync() =>
        [.. (await records.ReadAsync(this.GetPrimaryKeyString())).OrderByDescending(r => r.SessionStartedAt).ThenBy(r => r.RoomName, StringComparer.Ordinal)];
}

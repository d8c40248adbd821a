using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// Where people's attendance rows are kept: written by the room (or archived session) that
/// computes them, read by the per-person report. No person grain stands in the write path, so a
/// hand-off costs a share of a storage write, not an activation, a read and a write of its own.
/// </summary>
public interface IPersonRecords
{
    /// <summary>
    /// Writes the rows of <paramref name="handOffs"/>, all from one room; of several for one person
    /// and session, the newest revision wins. Idempotent; completes once every row is durable and
    /// throws if any is not (the caller keeps them all and retries).
    /// </summary>
    /// <remarks>
    /// One writer at a time per room and session (the room, or later its archived session), in
    /// revision order: stores may rely on it instead of reading before they write.
    /// </remarks>
    Task WriteAsync(string tenantId, string roomName, IReadOnlyList<PersonHandOff> handOffs);

    /// <summary>Every row of the person with <paramref name="personKey"/> (see <see cref="PersonKeys"/>), in no particular order.</summary>
    Task<IReadOnlyList<AttendanceRow>> ReadAsync(string personKey);
}

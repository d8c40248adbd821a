namespace WherebyGrains.Contracts;

/// <summary>
/// One person of one tenant across sessions and rooms. Keyed by a keyed hash of the tenant and
/// the person key (never the externalId in clear: Orleans writes grain ids into logs and traces).
/// </summary>
[Alias("wg.IPersonGrain")]
public interface IPersonGrain : IGrainWithStringKey
{
    /// <summary>
    /// Upserts rows by (room, session): idempotent, so the hand-off may be retried freely. A row
    /// older than the one held (by <paramref name="revision"/>) is ignored.
    /// </summary>
    [Alias("Record")]
    Task RecordAsync(IReadOnlyList<AttendanceRow> rows, long revision);

    /// <summary>Every session this person attended, newest first.</summary>
    [Alias("GetAttendance")]
    Task<IReadOnlyList<AttendanceRow>> GetAttendanceAsync();
}

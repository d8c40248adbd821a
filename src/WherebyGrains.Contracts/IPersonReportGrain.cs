namespace WherebyGrains.Contracts;

/// <summary>
/// One person of one tenant across sessions and rooms: the per-person report. Keyed by a keyed
/// hash of the tenant and the person key (never the externalId in clear: Orleans writes grain ids
/// into logs and traces). Rooms write the rows; this reads them.
/// </summary>
[Alias("wg.IPersonGrain")] // its name before the rename: aliases never change
public interface IPersonReportGrain : IGrainWithStringKey
{
    /// <summary>Every session this person attended, newest first.</summary>
    [Alias("GetAttendance")]
    Task<IReadOnlyList<AttendanceRow>> GetAttendanceAsync();
}

namespace WherebyGrains.Attendance;

/// <summary>The tunables of the rules.</summary>
/// <param name="EndGrace">How long a room must stay below 2 people before a session ends without Whereby's event.</param>
/// <param name="Metadata">How metadata is verified (keys, age limits); <see cref="SignedMetadata.None"/> without keys.</param>
public sealed record AttendanceSettings(TimeSpan EndGrace, SignedMetadata Metadata)
{
    /// <summary>The defaults of api.md: one minute of grace, no metadata keys.</summary>
    public static AttendanceSettings Default { get; } = new(TimeSpan.FromMinutes(1), SignedMetadata.None);
}

using WherebyGrains.Attendance;

namespace WherebyGrains.Grains;

/// <summary>The attendance settings of each tenant (grace, metadata keys), from the host's configuration.</summary>
public interface ITenantAttendanceSettings
{
    /// <summary>The settings for <paramref name="tenantId"/>.</summary>
    AttendanceSettings For(string tenantId);
}

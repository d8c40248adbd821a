using WherebyGrains.Attendance;

namespace WherebyGrains.Attendance.Tests;

/// <summary>A tenant's present/late policy (api.md: <c>Attendance:PresentRatio</c> / <c>PresentSeconds</c>, <c>lateSeconds</c>).</summary>
public sealed class AttendancePolicyTests
{
    [Theory]
    [InlineData(0.75, null, 2700.0, 0.75, true)]    // the ratio reached exactly
    [InlineData(0.75, null, 2699.0, 0.7497, false)]
    [InlineData(null, 1200.0, 1200.0, 0.2, true)]   // the seconds reached exactly, whatever the ratio
    [InlineData(null, 1200.0, 1199.9, 1.0, false)]  // a short session attended whole is not enough seconds
    [InlineData(0.5, 1800.0, 900.0, 0.5, true)]     // either suffices: the ratio
    [InlineData(0.5, 1800.0, 1800.0, 0.25, true)]   // either suffices: the seconds
    [InlineData(0.5, 1800.0, 1799.0, 0.49, false)]
    public void A_person_is_present_when_the_ratio_or_the_seconds_reach_the_policys(double? ratio, double? seconds, double attendedSeconds, double attendanceRatio, bool present) =>
        Assert.Equal(present, new AttendancePolicy(ratio, seconds).IsPresent(attendedSeconds, attendanceRatio));

    [Fact]
    public void Lateness_runs_from_the_sessions_start_to_the_first_join_and_is_never_negative()
    {
        const long start = 1_800_000_000_000;
        Assert.Equal(600.5, AttendancePolicy.LateSeconds(start + 600_500, start));
        Assert.Equal(0, AttendancePolicy.LateSeconds(start, start));
        // Waiting alone before the session started: on time.
        Assert.Equal(0, AttendancePolicy.LateSeconds(start - 300_000, start));
    }
}

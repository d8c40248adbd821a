namespace WherebyGrains.Attendance;

/// <summary>
/// A tenant's rule for who counts as present in a session: their attendance ratio reaches
/// <paramref name="PresentRatio"/>, or their attended seconds reach <paramref name="PresentSeconds"/>
/// (either suffices; one alone may be set). While a session is live, it judges the numbers so far.
/// </summary>
/// <param name="PresentRatio">The attended share of the session (0–1] that makes a person present; null for no ratio rule.</param>
/// <param name="PresentSeconds">The attended seconds that make a person present; null for no seconds rule.</param>
public sealed record AttendancePolicy(double? PresentRatio, double? PresentSeconds)
{
    /// <summary>Whether a person who attended <paramref name="attendedSeconds"/>, <paramref name="attendanceRatio"/> of the session, is present.</summary>
    public bool IsPresent(double attendedSeconds, double attendanceRatio) =>
        (PresentRatio is { } ratio && attendanceRatio >= ratio) || (PresentSeconds is { } seconds && attendedSeconds >= seconds);

    /// <summary>
    /// How late a person came: from the session's start to their first join, in seconds; zero for
    /// anyone there at the start (waiting alone before it included).
    /// </summary>
    public static double LateSeconds(long firstJoinedAt, long sessionStartedAt) => Math.Max(0, firstJoinedAt - sessionStartedAt) / 1000.0;
}

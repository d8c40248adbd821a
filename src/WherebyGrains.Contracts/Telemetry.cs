using System.Diagnostics;

namespace WherebyGrains.Contracts;

/// <summary>
/// The names under which WherebyGrains reports: one Meter and one ActivitySource, both
/// <c>WherebyGrains</c>. Tags never carry secrets or personal data: tenant ids, event types and
/// outcomes only.
/// </summary>
public static class Telemetry
{
    /// <summary>The Meter's and the ActivitySource's name.</summary>
    public const string Name = "WherebyGrains";

    /// <summary>The tenant tag.</summary>
    public const string TenantTag = "wherebygrains.tenant";

    /// <summary>The ActivitySource for WherebyGrains' own spans.</summary>
    public static ActivitySource Source { get; } = new(Name);
}

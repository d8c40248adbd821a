namespace WherebyGrains.Attendance;

/// <summary>What names a person (rule 4).</summary>
public enum PersonIdentity
{
    /// <summary>The <c>externalId</c>, else verified metadata, else the connection alone (the default).</summary>
    ExternalId,

    /// <summary>Only verified metadata, else the connection alone: an <c>externalId</c> is typed into a URL by anyone.</summary>
    SignedMetadata,
}

/// <summary>The tunables of the rules.</summary>
/// <param name="EndGrace">How long a room must stay below 2 people before a session ends without Whereby's event.</param>
/// <param name="Metadata">How metadata is verified (keys, age limits); <see cref="SignedMetadata.None"/> without keys.</param>
public sealed record AttendanceSettings(TimeSpan EndGrace, SignedMetadata Metadata)
{
    /// <summary>The defaults of api.md: one minute of grace, no metadata keys, 12 hours to abandon, externalId identity.</summary>
    public static AttendanceSettings Default { get; } = new(TimeSpan.FromMinutes(1), SignedMetadata.None);

    /// <summary>How long a room may stay silent before the connections still open in it are taken as lost (rule 3).</summary>
    public TimeSpan AbandonAfter { get; init; } = TimeSpan.FromHours(12);

    /// <summary>What names a person (rule 4).</summary>
    public PersonIdentity Identity { get; init; } = PersonIdentity.ExternalId;
}

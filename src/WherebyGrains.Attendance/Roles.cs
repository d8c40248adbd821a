namespace WherebyGrains.Attendance;

/// <summary>Which Whereby roles are people.</summary>
public static class Roles
{
    /// <summary>
    /// False for the machine roles (<c>recorder</c>, <c>streamer</c>, <c>captioner</c>,
    /// <c>assistant</c>): their connections are listed, never counted as people. A missing role
    /// (old payloads) is a person.
    /// </summary>
    public static bool IsPerson(string? roleName) => roleName switch
    {
        "recorder" or "streamer" or "captioner" or "assistant" => false,
        _ => true,
    };
}

namespace WherebyGrains.Attendance;

/// <summary>Which Whereby roles are people.</summary>
public static class Roles
{
    /// <summary>Whereby's cloud recorder.</summary>
    public const string Recorder = "recorder";

    /// <summary>Whereby's live streamer.</summary>
    public const string Streamer = "streamer";

    /// <summary>
    /// False for the machine roles (<c>recorder</c>, <c>streamer</c>, <c>captioner</c>,
    /// <c>assistant</c>): their connections are listed, never counted as people. A missing role
    /// (old payloads) is a person.
    /// </summary>
    public static bool IsPerson(string? roleName) => roleName switch
    {
        Recorder or Streamer or "captioner" or "assistant" => false,
        _ => true,
    };
}

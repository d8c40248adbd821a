namespace WherebyGrains.Contracts;

/// <summary>The Whereby event types that attendance is built from.</summary>
public static class WherebyEventTypes
{
    /// <summary>A participant joined the room.</summary>
    public const string ClientJoined = "room.client.joined";

    /// <summary>A participant left the room.</summary>
    public const string ClientLeft = "room.client.left";

    /// <summary>A visitor knocked from the waiting room.</summary>
    public const string ClientKnocked = "room.client.knocked";

    /// <summary>A visitor stopped knocking.</summary>
    public const string ClientKnockCancelled = "room.client.knockCancelled";

    /// <summary>Two or more participants are in the room.</summary>
    public const string SessionStarted = "room.session.started";

    /// <summary>Fewer than two participants for some time.</summary>
    public const string SessionEnded = "room.session.ended";

    /// <summary>
    /// True for the event types that a room records. Other types (transcription, recording,
    /// assistant, and types Whereby adds later) are acknowledged and ignored.
    /// </summary>
    public static bool IsRecordedByRoom(string type) => type switch
    {
        ClientJoined or ClientLeft or ClientKnocked or ClientKnockCancelled or SessionStarted or SessionEnded => true,
        _ => false,
    };
}

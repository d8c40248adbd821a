namespace WherebyGrains.Contracts;

/// <summary>What recording one event did. Every way the event is durable when it is returned.</summary>
[GenerateSerializer, Alias("wg.IngestOutcome")]
public enum IngestOutcome
{
    /// <summary>First acknowledgement of this event: it is now durably recorded.</summary>
    Accepted = 0,

    /// <summary>The event id was already recorded (and acknowledged) before.</summary>
    Duplicate = 1,

    /// <summary>First acknowledgement, durable in the journal only: its room was unreachable and gets it from the journal's drainer.</summary>
    Spooled = 2,
}

namespace WherebyGrains.Contracts;

/// <summary>
/// The <c>WherebyGrains:Sessions</c> section: the rules' settings every tenant shares, and how
/// rooms keep their records (archiving, write-behind, settling).
/// </summary>
public sealed class SessionsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "WherebyGrains:Sessions";

    /// <summary>How long a room must stay below 2 people before a session ends without Whereby's event.</summary>
    public TimeSpan EndGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a room may stay silent before the connections still open in it are taken as lost
    /// (rule 3): a lost <c>left</c> must not keep someone present for ever. Must be positive.
    /// </summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How long after its end a session's events stay in the room's record before moving to
    /// their own. Whereby sends events until an hour after a room's end date, so keep it above that.
    /// </summary>
    public TimeSpan ArchiveAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How long a closed session's events must have been quiet (nothing new received for it)
    /// before it is archived, so that a meeting still being delivered is never split.
    /// </summary>
    public TimeSpan ArchiveQuietPeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long the room keeps an archived session in its own index (late events for it are routed
    /// by it); older ones move to the room's monthly history records, so that a room used for years
    /// keeps a record the size of its recent weeks.
    /// </summary>
    public TimeSpan ArchivedIndexRetention { get; set; } = TimeSpan.FromDays(31);

    /// <summary>How long archived event ids are remembered by the room for dedupe.</summary>
    public TimeSpan ArchivedIdRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The least time between two computations of a room's attendance for the work that follows
    /// its events (hand-offs to people, directory entries, metrics): a quiet room settles at once,
    /// a busy one at most this often, so that a burst of events costs one computation.
    /// </summary>
    public TimeSpan SettleInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long events a room holds (already durable in the journal) may wait before the room
    /// checkpoints its record: every event of a room within this time shares one write. A room also
    /// checkpoints 3 s after a session ends with none live and before it deactivates; the journal keeps
    /// what no checkpoint covers (its drainer applies entries older than this plus 30 s).
    /// </summary>
    public TimeSpan WriteBehind { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long before a session's start an event without a session id may still belong to it (a participant waiting alone).</summary>
    public TimeSpan WaitingMargin { get; set; } = TimeSpan.FromHours(1);
}

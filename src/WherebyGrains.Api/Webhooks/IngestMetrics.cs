using System.Diagnostics;
using System.Diagnostics.Metrics;
using WherebyGrains.Api.Webhooks.Lenient;
using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Webhooks;

/// <summary>What became of a webhook, as reported in metrics and spans.</summary>
public enum IngestResult
{
    /// <summary>Recorded durably for the first time.</summary>
    Accepted,

    /// <summary>Already recorded.</summary>
    Duplicate,

    /// <summary>A type no room records: acknowledged and dropped.</summary>
    Ignored,

    /// <summary>Its room did not take it in time: acknowledged from the journal, applied to the room later.</summary>
    Spooled,

    /// <summary>Answered 4xx.</summary>
    Rejected,

    /// <summary>Answered 503: Whereby retries.</summary>
    Unavailable,
}

/// <summary>
/// The front door's instruments: <c>wherebygrains.webhooks.received</c> by tenant, event type,
/// outcome and reject reason, and <c>wherebygrains.webhooks.duration</c>, the time to answer.
/// </summary>
public sealed class IngestMetrics
{
    private const string UnknownTenant = "unknown";
    private readonly Counter<long> _received;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _lenient;

    /// <summary>Creates the instruments on the <c>WherebyGrains</c> meter.</summary>
    public IngestMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.Name);
        _received = meter.CreateCounter<long>("wherebygrains.webhooks.received", "{webhook}", "Webhooks received, by outcome.");
        _duration = meter.CreateHistogram<double>("wherebygrains.webhooks.duration", "s", "Time from request to answer of a webhook.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _lenient = meter.CreateCounter<long>("wherebygrains.webhooks.lenient", "{field}", "Fields of signed events read leniently (not as documented), by field.");
    }

    /// <summary>Counts each field of one event that was read leniently (the field's path only: never its content).</summary>
    public void RecordLenient(string tenantId, LenientFields fields)
    {
        foreach (var name in LenientFieldNames.Of(fields))
        {
            _lenient.Add(1, new TagList { { Telemetry.TenantTag, tenantId }, { "wherebygrains.field", name } });
        }
    }

    /// <summary>Bucket bounds (s) for latencies on the answer path: fine below 100 ms, up to Whereby's 5 s.</summary>
    public static IReadOnlyList<double> LatencyBuckets { get; } = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>Records one answered webhook.</summary>
    /// <param name="tenantId">The tenant, or null when it is not a configured one (keeps tags bounded).</param>
    /// <param name="eventType">The event type, when the body was parsed.</param>
    /// <param name="result">What became of it.</param>
    /// <param name="reason">Why it was rejected or unavailable; null otherwise.</param>
    /// <param name="elapsed">The time to answer.</param>
    public void Record(string? tenantId, string? eventType, IngestResult result, string? reason, TimeSpan elapsed)
    {
        var tenant = tenantId ?? UnknownTenant;
        var outcome = Outcome(result);
        var tags = new TagList
        {
            { Telemetry.TenantTag, tenant },
            { "whereby.event.type", BoundedType(eventType) },
            { "wherebygrains.outcome", outcome },
            { "wherebygrains.reject_reason", reason ?? "none" },
        };
        _received.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, new TagList { { Telemetry.TenantTag, tenant }, { "wherebygrains.outcome", outcome } });
    }

    /// <summary>The tag value of <paramref name="result"/>.</summary>
    public static string Outcome(IngestResult result) => result switch
    {
        IngestResult.Accepted => "accepted",
        IngestResult.Duplicate => "duplicate",
        IngestResult.Ignored => "ignored",
        IngestResult.Spooled => "spooled",
        IngestResult.Rejected => "rejected",
        _ => "unavailable",
    };

    // Whereby's known types, else "other": a tag must never take unbounded values.
    private static string BoundedType(string? type) => type switch
    {
        null => "unparsed",
        WherebyEventTypes.ClientJoined or WherebyEventTypes.ClientLeft or WherebyEventTypes.ClientKnocked or WherebyEventTypes.ClientKnockCancelled
            or WherebyEventTypes.SessionStarted or WherebyEventTypes.SessionEnded
            or "transcription.started" or "transcription.finished" or "transcription.failed" or "recording.finished" or "assistant.requested" => type,
        _ => "other",
    };
}

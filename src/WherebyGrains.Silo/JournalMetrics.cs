using System.Diagnostics.Metrics;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Contracts;

namespace WherebyGrains.Silo;

/// <summary>
/// The journal's instruments: <c>wherebygrains.journal.write.duration</c>, how long the storage
/// took to accept a batch (every acknowledgement waits for one: the part of the ingest latency
/// that is the storage's), and <c>wherebygrains.journal.batch.events</c>, how many events shared it.
/// </summary>
public sealed class JournalMetrics
{
    private readonly Histogram<double> _write;
    private readonly Histogram<int> _events;

    /// <summary>Creates the instruments on the <c>WherebyGrains</c> meter.</summary>
    public JournalMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.Name);
        _write = meter.CreateHistogram<double>("wherebygrains.journal.write.duration", "s", "Time the storage took to accept a journal batch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = IngestMetrics.LatencyBuckets });
        _events = meter.CreateHistogram<int>("wherebygrains.journal.batch.events", "{event}", "Events written together in one journal batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500] });
    }

    /// <summary>Records one batch written (or failed) after <paramref name="elapsed"/>.</summary>
    public void Record(TimeSpan elapsed, int events, bool written)
    {
        var outcome = new KeyValuePair<string, object?>("wherebygrains.outcome", written ? "written" : "failed");
        _write.Record(elapsed.TotalSeconds, outcome);
        _events.Record(events, outcome);
    }
}

using Microsoft.Extensions.Logging;

namespace WherebyGrains.Api.Webhooks;

/// <summary>
/// What the log says while storage is away: every webhook then fails the same way, and a line (and
/// a stack trace) for each would be tens of thousands a minute. One line when the first failure
/// comes, a summary of counts per <see cref="SummaryInterval"/> while failures continue, one line
/// when a webhook is durable again. No stack traces: the first line names the error's type and
/// first message line, which is what an operator needs; Debug has each failure in full.
/// </summary>
public sealed partial class StorageOutageLog(TimeProvider clock, ILogger<StorageOutageLog> logger)
{
    /// <summary>How often a summary is written while the outage lasts.</summary>
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private volatile bool _away;
    private DateTimeOffset _since;
    private DateTimeOffset _lastSummary;
    private long _failedTotal;
    private long _failedSinceSummary;

    /// <summary>A webhook could not be made durable (answered 503) because of <paramref name="error"/>.</summary>
    public void Failed(Exception error, string reason)
    {
        LogFailure(error, reason);
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_away)
            {
                _away = true;
                _since = _lastSummary = now;
                _failedTotal = 1;
                _failedSinceSummary = 0;
                LogAway(reason, error.GetType().Name, FirstLine(error.Message));
                return;
            }
            _failedTotal++;
            _failedSinceSummary++;
            if (now - _lastSummary >= SummaryInterval)
            {
                LogStillAway(_failedSinceSummary, (now - _lastSummary).TotalSeconds, (now - _since).TotalSeconds, reason);
                _lastSummary = now;
                _failedSinceSummary = 0;
            }
        }
    }

    /// <summary>A webhook was made durable.</summary>
    public void Succeeded()
    {
        // The hot path: one volatile read while storage is fine.
        if (!_away)
        {
            return;
        }
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_away)
            {
                return;
            }
            _away = false;
            LogBack((now - _since).TotalSeconds, _failedTotal);
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        var line = end < 0 ? message : message[..end];
        return line.Length <= 200 ? line : line[..200];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage unavailable: webhooks are answered 503 until it is back (Whereby retries them); first failure {Reason}: {ErrorType}: {Error}")]
    private partial void LogAway(string reason, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage still unavailable: {Count} webhooks answered 503 in the last {Seconds:F0} s ({TotalSeconds:F0} s since it went away; last failure {Reason})")]
    private partial void LogStillAway(long count, double seconds, double totalSeconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage is back after {Seconds:F1} s: {Count} webhooks were answered 503 meanwhile")]
    private partial void LogBack(double seconds, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A webhook could not be recorded ({Reason})")]
    private partial void LogFailure(Exception exception, string reason);
}

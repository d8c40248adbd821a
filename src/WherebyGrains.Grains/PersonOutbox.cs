using Microsoft.Extensions.Logging;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// A ledger's hand-offs to people's records (<see cref="IPersonRecords"/>): kept in the grain's
/// state (<see cref="LedgerState.Outbox"/>) until delivered, oldest first, one round in flight,
/// retried until they are durable there; and the cross-room views' lag of each settling, reported
/// once its rows are readable.
/// </summary>
/// <remarks>Used only from within one grain's turns: not thread-safe, and needs no locks.</remarks>
public sealed partial class PersonOutbox
{
    /// <summary>
    /// Hand-offs one room writes at once. The silo's storage gate bounds the writes; this bounds
    /// what waits on it, so a huge room's backlog waits here, in memory.
    /// </summary>
    private const int HandOffsAtOnce = 1000;

    /// <summary>Settlings whose lag waits for their rows' delivery; past that (a long store outage) the lag is not reported.</summary>
    private const int MaxLagging = 1000;

    private readonly string _tenantId;
    private readonly string _roomName;
    private readonly List<PersonHandOff> _outbox;
    private readonly IPersonRecords _records;
    private readonly TimeProvider _clock;
    private readonly AttendanceMetrics _metrics;
    private readonly Action _delivered;
    private readonly ILogger _logger;
    private readonly HashSet<PersonHandOff> _failed = [];
    // When the events since the last settling were received, and, per settling whose rows still
    // wait for delivery, its last hand-off with those times: for the cross-room views' lag.
    private readonly List<DateTimeOffset> _unsettled = [];
    private readonly Queue<(PersonHandOff Last, DateTimeOffset[] Received)> _lagging = new();
    private Task _delivery = Task.CompletedTask;

    /// <summary>Delivers <paramref name="outbox"/> (the grain's state) to <paramref name="records"/>; <paramref name="delivered"/> says the state changed.</summary>
    public PersonOutbox(string tenantId, string roomName, List<PersonHandOff> outbox, IPersonRecords records, TimeProvider clock, AttendanceMetrics metrics, Action delivered, ILogger logger)
    {
        _tenantId = tenantId;
        _roomName = roomName;
        _outbox = outbox;
        _records = records;
        _clock = clock;
        _metrics = metrics;
        _delivered = delivered;
        _logger = logger;
    }

    /// <summary>Hand-offs waiting for delivery.</summary>
    public int Count => _outbox.Count;

    /// <summary>Completes when the delivery under way (if any) has finished.</summary>
    public Task Completion => _delivery;

    /// <summary>True when the outbox holds hand-offs of <paramref name="roomSessionId"/>.</summary>
    public bool HasUndelivered(string roomSessionId) => _outbox.Any(h => h.Row.RoomSessionId == roomSessionId);

    /// <summary>An event received at <paramref name="receivedAt"/> awaits the next settling.</summary>
    public void Received(DateTimeOffset receivedAt) => _unsettled.Add(receivedAt);

    /// <summary>
    /// A settling handed off <paramref name="handOffs"/> (none, maybe): they join the outbox and
    /// delivery starts; the lag of the events it took is reported now if people's rows already show
    /// them (nothing waits), else once the last hand-off waiting now is delivered.
    /// </summary>
    public void Settled(IReadOnlyList<PersonHandOff> handOffs, bool retryFailed)
    {
        _outbox.AddRange(handOffs);
        if (_unsettled.Count > 0)
        {
            DateTimeOffset[] received = [.. _unsettled];
            _unsettled.Clear();
            if (_outbox.Count == 0)
            {
                ReportLag(received);
            }
            else if (_lagging.Count < MaxLagging)
            {
                _lagging.Enqueue((_outbox[^1], received));
            }
        }
        StartDelivery(retryFailed);
    }

    /// <summary>
    /// Delivers the outbox, if it is not being delivered already. Failures stay in the outbox and
    /// go again when <paramref name="retryFailed"/> (maintenance, every few seconds), not with
    /// every event: a struggling store is not flooded with retries.
    /// </summary>
    public void StartDelivery(bool retryFailed = true)
    {
        if (retryFailed)
        {
            _failed.Clear();
        }
        if (_delivery.IsCompleted && _outbox.Count > 0 && !_failed.Contains(_outbox[0]))
        {
            _delivery = DeliverAsync();
        }
    }

    private async Task DeliverAsync()
    {
        // Oldest first (the outbox is in revision order); hand-offs added while a delivery is
        // under way go out in the same run. Nothing passes a failed one: stores write blindly, so
        // an older row retried after a newer one would overwrite it.
        while (_outbox.TakeWhile(h => !_failed.Contains(h)).Take(HandOffsAtOnce).ToList() is { Count: > 0 } round)
        {
            try
            {
                await _records.WriteAsync(_tenantId, _roomName, round);
                var delivered = round.ToHashSet();
                _outbox.RemoveAll(delivered.Contains);
                _delivered();
                ReportDeliveredLag();
            }
            catch (Exception e)
            {
                _failed.UnionWith(round);
                LogHandOffFailed(e, round.Count, _tenantId);
            }
        }
    }

    /// <summary>Reports the settlings whose last hand-off has left the outbox.</summary>
    private void ReportDeliveredLag()
    {
        while (_lagging.TryPeek(out var waiting) && !_outbox.Any(h => ReferenceEquals(h, waiting.Last)))
        {
            _lagging.Dequeue();
            ReportLag(waiting.Received);
        }
    }

    private void ReportLag(DateTimeOffset[] received)
    {
        var now = _clock.GetUtcNow();
        foreach (var at in received)
        {
            _metrics.ViewLag(_tenantId, now - at);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} people's rows of tenant {TenantId} failed; they stay in the outbox and are retried")]
    private partial void LogHandOffFailed(Exception exception, int count, string tenantId);
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains.Tests;

/// <summary>
/// The measurements of one instrument for one tenant, from every silo in this process, as they are
/// recorded: tests use their own tenant, so other tests' traffic does not count.
/// </summary>
public sealed class TenantMeasurements<T> : IDisposable where T : struct
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<T> _values = new();

    /// <summary>Listens to <paramref name="instrument"/> for <paramref name="tenantId"/> from now on.</summary>
    public TenantMeasurements(string instrument, string tenantId)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<T>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: Telemetry.TenantTag } && Equals(tag.Value, tenantId))
                {
                    _values.Enqueue(value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>What was recorded so far, in order.</summary>
    public T[] Values => [.. _values];

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}

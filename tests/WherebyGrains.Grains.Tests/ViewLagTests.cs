using WherebyGrains.Contracts;
using WherebyGrains.Testing;
using static WherebyGrains.Grains.Tests.Events;

namespace WherebyGrains.Grains.Tests;

/// <summary>wherebygrains.views.lag: from a webhook's receipt until the cross-room views (people's rows) show it.</summary>
[Trait("Category", "Cluster")]
public sealed class ViewLagTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const string Tenant = "lag";

    [Fact]
    public async Task The_lag_runs_from_receipt_until_the_people_rows_hold_the_event()
    {
        const string name = "/lag";
        var start = fixture.Clock.GetUtcNow();
        using var lags = new TenantMeasurements<double>("wherebygrains.views.lag", Tenant);
        var alice = fixture.Grains.GetGrain<IPersonReportGrain>(fixture.PersonKeys.For(Tenant, "alice-lag"));

        // Received 1.5 s ago by the grains' (fake, still) clock: her row appears, and with it the lag.
        await fixture.IngestAsync(Tenant, Joined(name, start, "pa", "alice-lag", "s-lag") with { ReceivedAt = start.AddSeconds(-1.5) });
        await Eventually.Async(() => alice.GetAttendanceAsync(), rows => rows.Count == 1);
        Assert.Equal(new[] { 1.5 }, await Eventually.Async(() => Task.FromResult(lags.Values), l => l.Length == 1));

        // Her second connection changes no row: the views already show it, and its lag is reported at once.
        await fixture.IngestAsync(Tenant, Joined(name, start.AddSeconds(1), "pa2", "alice-lag", "s-lag") with { ReceivedAt = start.AddSeconds(-0.25) });
        Assert.Equal(new[] { 1.5, 0.25 }, await Eventually.Async(() => Task.FromResult(lags.Values), l => l.Length == 2));
    }
}

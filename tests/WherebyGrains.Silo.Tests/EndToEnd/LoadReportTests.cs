using WherebyGrains.Simulator;

namespace WherebyGrains.Silo.Tests;

/// <summary>The load run's report: medians of repeated measures, their ranges, and the target verdicts.</summary>
public sealed class LoadReportTests
{
    [Fact]
    public void A_measure_taken_several_times_is_reported_by_its_median_run_and_the_ratios_use_the_medians()
    {
        LoadResult Run(string label, int perSecond, double p99) => new(label, perSecond * 10, 0, 10, 5, p99);
        var report = LoadReport.Render(
        [
            Run("1 verify only", 15_000, 10), Run("2 pipeline memory", 6_000, 60),
            Run("1 verify only", 12_000, 20), Run("2 pipeline memory", 7_000, 50),
            Run("1 verify only", 14_000, 30), Run("2 pipeline memory", 8_000, 40),
            Run("3 pipeline durable", 1_300, 250) with { StorageRequestsPerOperation = 0.5 },
            Run("4 azurite upserts", 1_600, 90),
            Run("3m pipeline durable at half its peak rate, Azurite in memory", 650, 80),
        ], new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), 2);

        Assert.Contains("# Load results (2026-11-30 08:00 UTC, 2 cores", report);
        Assert.Contains("| 1 verify only | 14000 | 5.0 | 30.0 | 0 |  | 3: 12000–15000 |", report);
        Assert.Contains("| 2 pipeline memory | 7000 | 5.0 | 50.0 | 0 |  | 3: 6000–8000 |", report);
        Assert.Contains("| 3 pipeline durable | 1300 | 5.0 | 250.0 | 0 | 0.50 | 1 |", report);
        Assert.Contains("(2) full pipeline on memory ÷ (1) verify only: 0.50× (target at least 0.5×): met", report);
        Assert.Contains("(3) durable on Azurite ÷ (4) Azurite single-entity upserts: 0.81× (target at least 3.0×): missed", report);
        Assert.Contains("(3) durable on Azurite ÷ (2) full pipeline on memory: 0.19× (target at least 0.5×): missed", report);
        Assert.Contains("p99 of 3m pipeline durable at half its peak rate, Azurite in memory (650/s): 80.0 ms (target under 100 ms): met", report);
        Assert.Contains("storage requests per event in (3), the silo's own count over the burst and 20 s after it: 0.50", report);
    }
}

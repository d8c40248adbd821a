using WherebyGrains.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using WherebyGrains.Attendance;
using WherebyGrains.Grains;
using WherebyGrains.Journal;

namespace WherebyGrains.Grains.Tests;

/// <summary>
/// Two real silos in this process (InProcessTestCluster) with memory grain storage and
/// reminders, and a fake clock shared by the grains and the test.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public const string Tenant = "acme";

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    /// <summary>The clock the grains read.</summary>
    protected virtual TimeProvider AttendanceTime => Clock;

    /// <summary>The session end grace.</summary>
    public virtual TimeSpan Grace => TimeSpan.FromMinutes(1);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public PersonKeys PersonKeys { get; } = new("test-person-key");

    /// <summary>The journal the tests' events go to, as the front door's do.</summary>
    public MemoryEventJournal Journal { get; } = new("grain-tests", TimeProvider.System);

    private RoomIngest? _ingest;

    /// <summary>Takes <paramref name="evt"/> of the test tenant the way the front door does (<see cref="RoomIngest"/>).</summary>
    public Task<IngestOutcome> IngestAsync(WherebyEvent evt) => IngestAsync(Tenant, evt);

    /// <summary>Takes <paramref name="evt"/> of <paramref name="tenantId"/> the way the front door does (<see cref="RoomIngest"/>).</summary>
    public async Task<IngestOutcome> IngestAsync(string tenantId, WherebyEvent evt)
    {
        _ingest ??= new RoomIngest(Journal, Grains, TimeProvider.System);
        // Generous: Orleans' own response timeout (30 s) bounds a call that never comes back.
        return (await _ingest.IngestAsync(tenantId, evt, TimeSpan.FromSeconds(60), CancellationToken.None)).Outcome;
    }

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            AddMemoryStorage(silo, StorageNames.Grains);
            silo.UseInMemoryReminderService();
            silo.Services.AddKeyedSingleton(AttendanceClock.Key, AttendanceTime);
            silo.Services.AddSingleton<ITenantAttendanceSettings>(new FixedSettings(new AttendanceSettings(Grace, SignedMetadata.None)));
            silo.Services.AddSingleton(PersonKeys);
            silo.Services.AddSingleton<AttendanceMetrics>();
            // Small, so that writes queue for it in tests too.
            silo.Services.AddSingleton(new StorageWriteGate(4));
            silo.Services.AddSingleton<IPersonRecords, MemoryPersonRecords>();
            silo.Services.Configure<SessionsOptions>(o => o.ArchiveAfter = TimeSpan.FromHours(6));
            Configure(silo);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>
    /// Memory grain storage in Orleans' binary format, as the service stores it (memory storage's
    /// default is Newtonsoft JSON: neither what production runs nor fast enough for a year of a room).
    /// </summary>
    protected static void AddMemoryStorage(ISiloBuilder silo, string name) =>
        silo.AddMemoryGrainStorage(name, options => options.Configure<IServiceProvider>((o, services) =>
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>())));

    /// <summary>
    /// The grains' storage as memory storage behind <paramref name="beforeWrite"/>, which runs
    /// before each write with the state's name (to hold or fail it).
    /// </summary>
    protected static void AddInterceptedStorage(ISiloBuilder silo, Func<string, Task> beforeWrite)
    {
        const string inner = "inner";
        AddMemoryStorage(silo, inner);
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Grains, (services, _) =>
            new InterceptedGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(inner), beforeWrite));
    }

    /// <summary>What a fixture adds to each silo (registered last: it may replace what is above).</summary>
    protected virtual void Configure(ISiloBuilder silo)
    {
    }

    private sealed class FixedSettings(AttendanceSettings settings) : ITenantAttendanceSettings
    {
        public AttendanceSettings For(string tenantId) => settings;
    }
}

/// <summary>The same cluster on the real clock with a 2-second grace: for what only a real timer shows.</summary>
public sealed class RealClockClusterFixture : ClusterFixture
{
    protected override TimeProvider AttendanceTime => TimeProvider.System;

    public override TimeSpan Grace => TimeSpan.FromSeconds(2);
}

using WherebyGrains.Contracts;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using WherebyGrains.Api.Queries;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Grains;
using WherebyGrains.Journal;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo;

/// <summary>Composes the silo host: Orleans co-hosted with ASP.NET Core, grain storage, ingest.</summary>
public static class SiloHosting
{
    /// <summary>The URL the silo serves when neither <c>ASPNETCORE_URLS</c> nor <c>--urls</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Adds the Orleans silo, its storage and the webhook front door to <paramref name="builder"/>.</summary>
    public static WebApplicationBuilder AddWherebyGrainsSilo(this WebApplicationBuilder builder)
    {
        builder.UseUrlsWithManagement(DefaultUrl);

        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

        builder.AddWherebyGrainsTelemetry();
        builder.UseOrleans(orleans =>
        {
            orleans.UseWherebyGrainsClustering(cluster, storage);
            if (cluster.Kubernetes)
            {
                orleans.UseKubernetesHosting();
            }
            // One trace from the webhook request through every grain call and storage write.
            orleans.AddActivityPropagation();
            orleans.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromMinutes(15));
            AddGrainStorage(orleans, storage);
            orleans.AddDashboardIfConfigured(builder.Configuration);
        });

        // After UseOrleans: hosted services stop in reverse order, so these stop before the silo.
        builder.Services.AddHostedService<ShutdownWatchdog>();
        builder.Services.AddHostedService<ShutdownDrain>();
        if (storage.Provider == StorageProvider.AzureTable)
        {
            builder.Services.AddSingleton<JournalMetrics>();
            builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AzureTableEventJournal>(sp, sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString()));
            builder.Services.AddSingleton<IEventJournal>(sp => sp.GetRequiredService<AzureTableEventJournal>());
            builder.Services.AddSingleton<IPersonRecords, AzureTablePersonRecords>();
            builder.Services.AddSingleton<IRoomNames, AzureTableRoomNames>();
            builder.Services.AddSingleton<ISessionEntryTable, AzureTableSessionEntries>();
        }
        else
        {
            // The same journal and drainer as on Azure, in memory: one ingest path, whatever the storage.
            builder.Services.AddSingleton<IEventJournal>(sp => new MemoryEventJournal(sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString(), TimeProvider.System));
            builder.Services.AddSingleton<IPersonRecords, MemoryPersonRecords>();
        }
        builder.Services.AddHostedService<JournalDrainer>();
        builder.Services.AddWebhookIngest();
        builder.Services.AddQueryApi();
        builder.Services.AddOpenApi();
        builder.Services.AddKeyedSingleton(AttendanceClock.Key, TimeProvider.System);
        builder.Services.AddOptions<SessionsOptions>().BindConfiguration(SessionsOptions.Section);
        builder.Services.AddSingleton<ITenantAttendanceSettings, TenantAttendanceSettings>();
        builder.Services.AddSingleton<AttendanceMetrics>();
        builder.Services.AddSingleton(new StorageWriteGate(storage.MaxConcurrentStateWrites >= 1
            ? storage.MaxConcurrentStateWrites
            : throw new InvalidOperationException($"{StorageOptions.Section}:MaxConcurrentStateWrites must be at least 1.")));
        builder.Services.AddHostedService<StartupReport>();
        builder.Services.AddSingleton(storage);
        builder.Services.AddHealthChecks()
            .AddCheck<GrainStorageHealthCheck>("grain-storage", tags: [HostSetup.ReadyTag])
            .AddCheck<SiloActiveHealthCheck>("silo-active", tags: [HostSetup.ReadyTag]);
        return builder;
    }

    /// <summary>Maps the silo's endpoints: webhooks, the query API, OpenAPI and health.</summary>
    public static WebApplication MapWherebyGrainsSilo(this WebApplication app)
    {
        app.UseManagementListener();
        app.UseRateLimiter();
        app.MapDashboardIfConfigured();
        app.MapWebhooks();
        if (app.Configuration.GetValue<bool>("WherebyGrains:Benchmarks:VerifyOnlyEndpoint"))
        {
            app.MapVerifyOnlyWebhooks();
        }
        app.MapQueryApi();
        app.MapOpenApi();
        // Ready: it can acknowledge webhooks (the silo is active and storage answers).
        app.MapHealthAndMetrics();
        return app;
    }


    private static void AddGrainStorage(ISiloBuilder orleans, StorageOptions storage)
    {
        if (storage.Provider == StorageProvider.Memory)
        {
            orleans.AddMemoryGrainStorage(StorageNames.Grains, options => options.Configure<IServiceProvider>((o, services) =>
            {
                // The same binary format as on Azure Table, and enough storage grains that they are not
                // the bottleneck of a benchmark (Orleans' default of 10 serializes every write through 10 queues).
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
                o.NumStorageGrains = 256;
            }));
            orleans.UseInMemoryReminderService();
            return;
        }

        orleans.UseAzureTableReminderService(options => options.Configure(o =>
        {
            o.TableServiceClient = StorageClients.StateTables(storage);
            o.TableName = StorageClients.RemindersTable;
        }));

        orleans.AddAzureTableGrainStorage(StorageNames.Grains, options => options.Configure<IServiceProvider>((o, services) =>
        {
            o.TableServiceClient = StorageClients.StateTables(storage);
            o.TableName = StorageClients.GrainStateTable;
            // Orleans' binary format (compact, fast, version-tolerant through [Id] members), deflated.
            o.GrainStorageSerializer = new CompressedGrainStateSerializer(new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()));
        }));
        // Rooms whose names differ only in / \ # ? and _ would share a table record otherwise.
        DistinctRecordGrainStorage.Decorate(orleans.Services, StorageNames.Grains);
    }
}

using WherebyGrains.Contracts;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using WherebyGrains.Api.Queries;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Grains;

namespace WherebyGrains.Silo;

/// <summary>Composes the silo host: Orleans co-hosted with ASP.NET Core, grain storage, ingest.</summary>
public static class SiloHosting
{
    /// <summary>The URL the silo serves when neither <c>ASPNETCORE_URLS</c> nor <c>--urls</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Adds the Orleans silo, its storage and the webhook front door to <paramref name="builder"/>.</summary>
    public static WebApplicationBuilder AddWherebyGrainsSilo(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

        builder.AddWherebyGrainsTelemetry();
        builder.UseOrleans(orleans =>
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            // One trace from the webhook request through every grain call and storage write.
            orleans.AddActivityPropagation();
            orleans.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromMinutes(15));
            AddGrainStorage(orleans, storage);
            orleans.AddDashboardIfConfigured(builder.Configuration);
        });

        builder.Services.AddWebhookIngest();
        builder.Services.AddQueryApi();
        builder.Services.AddOpenApi();
        builder.Services.AddKeyedSingleton(AttendanceClock.Key, TimeProvider.System);
        builder.Services.AddOptions<RoomGrainOptions>().BindConfiguration(RoomGrainOptions.Section);
        builder.Services.AddSingleton<ITenantAttendanceSettings, TenantAttendanceSettings>();
        builder.Services.AddSingleton<AttendanceMetrics>();
        builder.Services.AddSingleton(sp => new PersonKeys(sp.GetRequiredService<IOptions<WherebyGrainsOptions>>().Value.Privacy.PersonKeySecret));
        builder.Services.AddHostedService<StartupReport>();
        builder.Services.AddSingleton(storage);
        builder.Services.AddHealthChecks()
            .AddCheck<GrainStorageHealthCheck>("grain-storage", tags: [ReadyTag])
            .AddCheck<SiloActiveHealthCheck>("silo-active", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>Maps the silo's endpoints: webhooks, the query API, OpenAPI and health.</summary>
    public static WebApplication MapWherebyGrainsSilo(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapDashboardIfConfigured();
        app.MapWebhooks();
        app.MapQueryApi();
        app.MapOpenApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        // Live: the process serves HTTP. Ready: it can also acknowledge webhooks (storage answers).
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        return app;
    }

    private const string ReadyTag = "ready";

    private static void AddGrainStorage(ISiloBuilder orleans, StorageOptions storage)
    {
        if (storage.Provider == StorageProvider.Memory)
        {
            orleans.AddMemoryGrainStorage(StorageNames.Grains);
            orleans.UseInMemoryReminderService();
            return;
        }

        orleans.UseAzureTableReminderService(options => options.Configure(o =>
        {
            o.TableServiceClient = new TableServiceClient(storage.ConnectionString, StorageClients.TableOptions(storage));
            o.TableName = StorageClients.RemindersTable;
        }));

        orleans.AddAzureTableGrainStorage(StorageNames.Grains, options => options.Configure<IServiceProvider>((o, services) =>
        {
            o.TableServiceClient = new TableServiceClient(storage.ConnectionString, StorageClients.TableOptions(storage));
            o.TableName = StorageClients.GrainStateTable;
            // Orleans' binary format: compact, fast, and version-tolerant through [Id] members.
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
        }));
    }
}

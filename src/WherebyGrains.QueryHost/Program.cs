using WherebyGrains.Api.Queries;
using WherebyGrains.Api.Tenants;
using WherebyGrains.QueryHost;
using WherebyGrains.ServiceDefaults;

// The query API only, through an Orleans client: the same endpoints as the silo serves (shared
// from WherebyGrains.Api), scaled apart from the silos that ingest webhooks.
var builder = WebApplication.CreateBuilder(args);
builder.UseUrlsWithManagement("http://127.0.0.1:5090");
builder.AddWherebyGrainsTelemetry();

var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
builder.UseOrleansClient(client => client.UseWherebyGrainsClustering(cluster, storage).AddActivityPropagation());

builder.Services.AddHostedService<ShutdownWatchdog>();
builder.Services.AddWherebyGrainsTenants();
builder.Services.AddQueryApi();
builder.Services.AddOpenApi();
builder.Services.AddHealthChecks().AddCheck<ClusterReachableHealthCheck>("cluster", tags: [HostSetup.ReadyTag]);

var app = builder.Build();
app.UseManagementListener();
app.UseRateLimiter();
app.MapQueryApi();
app.MapOpenApi();
app.MapHealthAndMetrics();
app.Run();

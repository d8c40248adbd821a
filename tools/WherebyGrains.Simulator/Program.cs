using Spectre.Console.Cli;
using WherebyGrains.Simulator;

// wherebygrains-simulator run --url http://127.0.0.1:5080 --tenant acme --secret <secret> --api-key <key>
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("wherebygrains-simulator");
    config.AddCommand<RunCommand>("run")
        .WithDescription("Send generated meetings as signed webhooks, then check every number the query API serves against the ground truth.");
    config.AddCommand<LoadCommand>("load")
        .WithDescription("Send distinct signed events as fast as the server takes them; report events/s and p50/p99.");
    config.AddCommand<StorageUpsertsCommand>("storage-upserts")
        .WithDescription("Measure the storage account's own single-entity upsert rate.");
    config.AddCommand<StorageProxyCommand>("storage-proxy")
        .WithDescription("Count the storage requests a service makes, from outside it: a proxy in front of the storage's table endpoint.");
    config.AddCommand<LoadReportCommand>("load-report")
        .WithDescription("Render load results as Markdown with the target ratios.");
});
return await app.RunAsync(args);

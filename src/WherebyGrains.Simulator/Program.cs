using Spectre.Console.Cli;
using WherebyGrains.Simulator;

// wherebygrains-simulator run --url http://127.0.0.1:5080 --tenant acme --secret <secret> --api-key <key>
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("wherebygrains-simulator");
    config.AddCommand<RunCommand>("run")
        .WithDescription("Send generated meetings as signed webhooks, then check every number the query API serves against the ground truth.");
});
return await app.RunAsync(args);

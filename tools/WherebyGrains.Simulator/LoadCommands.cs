using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Spectre.Console;
using Spectre.Console.Cli;

using WherebyGrains.Attendance;

namespace WherebyGrains.Simulator;

/// <summary>What the load command sends.</summary>
public enum LoadShape
{
    /// <summary>Every event a new person joining one of a fixed set of rooms.</summary>
    People,

    /// <summary>The simulator's generated meetings, in time order.</summary>
    Meetings,
}

/// <summary>One measured load: throughput and latency.</summary>
/// <param name="Label">What was measured.</param>
/// <param name="Operations">Operations completed.</param>
/// <param name="Errors">Operations that failed.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="P50Ms">Median latency.</param>
/// <param name="P99Ms">99th percentile latency.</param>
public sealed record LoadResult(string Label, int Operations, int Errors, double Seconds, double P50Ms, double P99Ms)
{
    /// <summary>Operations per second.</summary>
    public double PerSecond => Operations / Seconds;

    /// <summary>The server's outgoing HTTP requests (storage) per operation, when counted.</summary>
    public double? StorageRequestsPerOperation { get; init; }

    /// <summary>Appends this result as a JSON line to <paramref name="file"/>.</summary>
    public void AppendTo(string file) => File.AppendAllText(file, JsonSerializer.Serialize(this) + "\n");

    /// <summary>
    /// Runs <paramref name="operation"/> <paramref name="count"/> times with up to
    /// <paramref name="concurrency"/> in flight: as fast as they complete, or, with a
    /// <paramref name="rate"/> per second, each at its scheduled time (an open loop: latency counts
    /// from the scheduled time, so time spent waiting for a free slot is not hidden).
    /// </summary>
    public static async Task<LoadResult> MeasureAsync(string label, int count, int concurrency, Func<int, Task<bool>> operation, double rate = 0)
    {
        var latencies = new double[count];
        var errors = 0;
        var next = -1;
        var origin = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                if (rate > 0)
                {
                    started = origin + (long)(i / rate * Stopwatch.Frequency);
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), started);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }
                }
                var ok = false;
                try
                {
                    ok = await operation(i);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Azure.RequestFailedException)
                {
                }
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(origin).TotalSeconds;
        Array.Sort(latencies);
        return new LoadResult(label, count - errors, errors, seconds, latencies[count / 2], latencies[Math.Min(count - 1, (int)(count * 0.99))]);
    }
}

/// <summary>
/// Sends distinct signed events as fast as the server takes them (a closed loop of
/// <c>--concurrency</c> requests in flight) or at a steady <c>--rate</c>, pre-signed so that the client's own HMAC is not measured.
/// </summary>
public sealed class LoadCommand : AsyncCommand<LoadCommand.Settings>
{
    /// <summary>The command's options.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--url <URL>"), Description("The server.")]
        public string Url { get; init; } = "http://127.0.0.1:5080";

        [CommandOption("--path <PATH>"), Description("The endpoint (/webhooks/<tenant>, or /benchmarks/verify/<tenant>).")]
        public string Path { get; init; } = "/webhooks/acme";

        [CommandOption("--secret <SECRET>"), Description("The tenant's webhook secret.")]
        public string Secret { get; init; } = "";

        [CommandOption("--events <N>"), Description("How many distinct events.")]
        public int Events { get; init; } = 10_000;

        [CommandOption("--rooms <N>"), Description("Over how many rooms they are spread.")]
        public int Rooms { get; init; } = 500;

        [CommandOption("--concurrency <N>"), Description("Requests in flight (at most, with --rate).")]
        public int Concurrency { get; init; } = 32;

        [CommandOption("--rate <N>"), Description("Events per second, sent on schedule whatever the answers' pace (latency then includes any wait for a slot); default: as fast as answered.")]
        public double Rate { get; init; }

        [CommandOption("--event-type <TYPE>"), Description("With --shape people: the event type sent (room.client.knocked creates no connection, so no person: idle rooms).")]
        public string EventType { get; init; } = "room.client.joined";

        [CommandOption("--shape <SHAPE>"), Description("people: every event a new person joining one of --rooms rooms (the worst case for per-person work); meetings: the simulator's generated meetings (rejoins, tabs, recorders, knocks, session events), each in its own room, in time order.")]
        public LoadShape Shape { get; init; } = LoadShape.People;

        [CommandOption("--label <TEXT>"), Description("The result's label.")]
        public string Label { get; init; } = "load";

        [CommandOption("--results <FILE>"), Description("Append the result as a JSON line here.")]
        public string? Results { get; init; }

        [CommandOption("--hours-ago <HOURS>"), Description("With --shape meetings: the meetings start this many hours before now (at least 11: a meeting spans up to about 10 hours); default: yesterday at 08:00. Recent meetings keep their rooms' archives hours away, as real ones do.")]
        public double? HoursAgo { get; init; }

        [CommandOption("--meetings <N>"), Description("With --shape meetings: send every event of this many whole meetings (each in its own room; --events is then ignored).")]
        public int? Meetings { get; init; }

        [CommandOption("--live"), Description("With --shape meetings and --rate: each event is dated when it is sent (the meetings' order kept, their time compressed), so that rooms see live sessions, as they do in service, instead of yesterday's finished ones. The run must end within the signature tolerance (5 min).")]
        public bool Live { get; init; }

        [CommandOption("--count-storage-requests <SECONDS>"), Description("Also count the server's storage requests per event (from its /metrics), including the work that follows for this many seconds after the last answer (write-behind, hand-offs, journal clean-up).")]
        public int? CountStorageRequests { get; init; }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var now = DateTimeOffset.UtcNow;
        var bodies = Payloads(settings, run, now)
            .Select(json => Encoding.UTF8.GetBytes(json))
            .Select(body => (Body: body, Signature: WebhookSigner.Sign(settings.Secret, body, now)))
            .ToArray();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency }) { BaseAddress = new Uri(settings.Url), Timeout = TimeSpan.FromSeconds(10) };
        var requestsBefore = settings.CountStorageRequests is null ? 0 : await OutgoingRequestsAsync(http, cancellationToken);
        var result = await LoadResult.MeasureAsync(settings.Label, bodies.Length, settings.Concurrency, async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, settings.Path) { Content = new ByteArrayContent(bodies[i].Body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("Whereby-Signature", bodies[i].Signature);
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode;
        }, settings.Rate);
        if (settings.CountStorageRequests is { } settle)
        {
            await Task.Delay(TimeSpan.FromSeconds(settle), cancellationToken);
            var requests = await OutgoingRequestsAsync(http, cancellationToken) - requestsBefore;
            result = result with { StorageRequestsPerOperation = requests / bodies.Length };
        }
        Report(result, settings.Results);
        // Errors are part of the result (reported, counted), not a failure of the measurement.
        return 0;
    }

    /// <summary>
    /// The server's outgoing HTTP requests so far: the count of .NET's <c>http.client.request.duration</c>
    /// histogram in its Prometheus scrape. The silo's only outgoing HTTP is storage (unless it exports OTLP over HTTP).
    /// </summary>
    private static async Task<double> OutgoingRequestsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var scrape = await http.GetStringAsync("/metrics", cancellationToken);
        return scrape.Split('\n')
            .Where(line => line.StartsWith("http_client_request_duration_seconds_count{", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static IEnumerable<string> Payloads(Settings settings, string run, DateTimeOffset now)
    {
        if (settings.Shape == LoadShape.People)
        {
            return Enumerable.Range(0, settings.Events).Select(i =>
                WherebyPayloads.Client(settings.EventType, $"/load-{run}-{i % settings.Rooms}", now.AddMilliseconds(-i), $"p{i}", $"{run}-s{i % settings.Rooms}", "visitor", $"user-{i}", "Load Tester"));
        }
        // Meetings of yesterday morning (or of --hours-ago), as many as it takes, delivered in the order they happened.
        var origin = settings.HoursAgo is { } hours
            ? now.AddHours(-Math.Max(11, hours))
            : new DateTimeOffset(now.AddDays(-1).UtcDateTime.Date.AddHours(8), TimeSpan.Zero);
        var events = new List<(RoomEvent Event, string Room)>();
        for (var seed = 1; settings.Meetings is { } meetings ? seed <= meetings : events.Count < settings.Events; seed++)
        {
            events.AddRange(GeneratedMeeting.Generate(seed, origin).Events.Select(e => (e, $"/load-{run}-{seed}")));
        }
        var count = settings.Meetings is null ? Math.Min(settings.Events, events.Count) : events.Count;
        var sent = events.OrderBy(e => e.Event.At).Take(count);
        if (!settings.Live)
        {
            return sent.Select(e => WherebyPayloads.From(e.Event, e.Room));
        }
        if (settings.Rate <= 0 || count / settings.Rate > 240)
        {
            throw new InvalidOperationException("--live needs a --rate at which the run ends within 4 minutes (the signature tolerance is 5).");
        }
        // Dated when sent: event i at i/rate seconds after the start.
        var start = now.ToUnixTimeMilliseconds();
        return sent.Select((e, i) => WherebyPayloads.From(e.Event with { At = start + (long)(i * 1000 / settings.Rate) }, e.Room));
    }

    /// <summary>Prints a result and appends it to the results file, if any.</summary>
    public static void Report(LoadResult result, string? file)
    {
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{result.Label.EscapeMarkup()}[/]: {result.Operations} in {result.Seconds:F1} s = {result.PerSecond:F0}/s, p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms, {result.Errors} errors{(result.StorageRequestsPerOperation is { } r ? $", {r:F2} storage requests per event" : "")}"));
        if (file is not null)
        {
            result.AppendTo(file);
        }
    }
}

/// <summary>Azure Table storage's own rate for single-entity upserts: what one durable write per event can reach at best.</summary>
public sealed class StorageUpsertsCommand : AsyncCommand<StorageUpsertsCommand.Settings>
{
    /// <summary>The command's options.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--connection-string <CS>"), Description("The storage account (e.g. Azurite's).")]
        public string ConnectionString { get; init; } = "UseDevelopmentStorage=true";

        [CommandOption("--count <N>"), Description("How many upserts.")]
        public int Count { get; init; } = 5_000;

        [CommandOption("--concurrency <N>"), Description("Upserts in flight.")]
        public int Concurrency { get; init; } = 32;

        [CommandOption("--label <TEXT>"), Description("The result's label.")]
        public string Label { get; init; } = "storage upserts";

        [CommandOption("--results <FILE>"), Description("Append the result as a JSON line here.")]
        public string? Results { get; init; }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var table = new TableServiceClient(settings.ConnectionString).GetTableClient("LoadUpserts");
        await table.CreateIfNotExistsAsync(cancellationToken);
        // A payload about the size of a small room's grain state.
        var payload = new byte[2048];
        Random.Shared.NextBytes(payload);
        var result = await LoadResult.MeasureAsync(settings.Label, settings.Count, settings.Concurrency, async i =>
        {
            var entity = new TableEntity($"room-{i % 500}", $"e{i}") { ["Data"] = payload };
            var response = await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            return !response.IsError;
        });
        LoadCommand.Report(result, settings.Results);
        return 0;
    }
}

/// <summary>Renders the JSON lines of a load run as a Markdown table with the ratios the targets speak of.</summary>
public sealed class LoadReportCommand : Command<LoadReportCommand.Settings>
{
    /// <summary>The command's options.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--results <FILE>"), Description("The JSON lines written by load and storage-upserts.")]
        public string Results { get; init; } = "";

        [CommandOption("--output <FILE>"), Description("The Markdown file to write.")]
        public string Output { get; init; } = "";
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var text = LoadReport.Render(File.ReadAllLines(settings.Results).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<LoadResult>(l)!), DateTimeOffset.UtcNow, Environment.ProcessorCount);
        File.WriteAllText(settings.Output, text);
        AnsiConsole.Write(new Text(text));
        return 0;
    }
}

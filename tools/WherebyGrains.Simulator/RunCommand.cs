using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Spectre.Console;
using Spectre.Console.Cli;

namespace WherebyGrains.Simulator;

/// <summary>
/// Sends the webhooks of generated rooms, duplicated and out of order, at a chosen rate, retrying
/// like Whereby; then reads the query API and checks every number against the ground truth. The
/// rooms take turns: meetings (classes with rejoins, two tabs, recorders, 2022 payloads), telehealth
/// rooms (a clinician who stays all day, patients who knock and come in one at a time) and
/// classrooms (a teacher who stays between lessons); with lost <c>left</c>s, <c>joined</c>s and
/// session events, and the room's counts on the client events.
/// </summary>
public sealed class RunCommand : AsyncCommand<RunCommand.Settings>
{
    /// <summary>The command's options.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--url <URL>"), Description("Where webhooks go (a silo, or a load balancer in front of silos).")]
        public string Url { get; init; } = "http://127.0.0.1:5080";

        [CommandOption("--query-url <URL>"), Description("Where the query API is read (default: --url).")]
        public string? QueryUrl { get; init; }

        [CommandOption("--tenant <ID>"), Description("The tenant id.")]
        public string Tenant { get; init; } = "acme";

        [CommandOption("--secret <SECRET>"), Description("The tenant's webhook secret.")]
        public string Secret { get; init; } = "";

        [CommandOption("--api-key <KEY>"), Description("The tenant's query API key.")]
        public string ApiKey { get; init; } = "";

        [CommandOption("--meetings <N>"), Description("How many room histories (each in its own room; meetings, telehealth rooms and classrooms in turn).")]
        public int Meetings { get; init; } = 10;

        [CommandOption("--rate <EVENTS_PER_SECOND>"), Description("Target delivery rate.")]
        public double Rate { get; init; } = 100;

        [CommandOption("--duplicates <FRACTION>"), Description("Fraction of events delivered twice (0-1).")]
        public double Duplicates { get; init; } = 0.2;

        [CommandOption("--in-order"), Description("Deliver in time order instead of shuffled.")]
        public bool InOrder { get; init; }

        [CommandOption("--seed <SEED>"), Description("Seed of the generated meetings and the delivery order.")]
        public int Seed { get; init; } = 1;

        [CommandOption("--concurrency <N>"), Description("Deliveries in flight at once.")]
        public int Concurrency { get; init; } = 16;

        [CommandOption("--verify-timeout <SECONDS>"), Description("How long to wait for the API to converge on the truth.")]
        public int VerifyTimeout { get; init; } = 60;

        [CommandOption("--abandon-after <TIMESPAN>"), Description("The service's Sessions:AbandonAfter (the rooms' events are older: connections whose left was lost are read as abandoned).")]
        public TimeSpan AbandonAfter { get; init; } = TimeSpan.FromHours(12);

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            string.IsNullOrEmpty(Secret) ? ValidationResult.Error("--secret is required (the tenant's webhook secret).")
            : string.IsNullOrEmpty(ApiKey) ? ValidationResult.Error("--api-key is required (the tenant's query API key).")
            : Meetings < 1 || Rate <= 0 || Concurrency < 1 ? ValidationResult.Error("--meetings, --rate and --concurrency must be positive.")
            : Duplicates is < 0 or > 1 ? ValidationResult.Error("--duplicates is a fraction from 0 to 1.")
            : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        // Two days ago, on the hour: a room spans at most about 10 hours, so every room has been
        // silent for longer than AbandonAfter (12 h) when the numbers are read, and its connections
        // whose left was lost are closed; the rules' numbers then no longer move with the clock.
        var origin = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(-2).UtcDateTime.Date.AddHours(8), TimeSpan.Zero);
        var shapes = Enum.GetValues<RoomShape>();
        var meetings = Enumerable.Range(settings.Seed, settings.Meetings).Select((seed, i) => GeneratedMeeting.Generate(seed, origin, shapes[i % shapes.Length])).ToList();
        string Room(GeneratedMeeting m) => $"/sim-{run}-{m.Seed}";

        var random = new Random(settings.Seed);
        var deliveries = meetings.SelectMany(m => m.Events.Select(e => (e.At, Body: WherebyPayloads.From(e, Room(m)))))
            .SelectMany(d => random.NextDouble() < settings.Duplicates ? new[] { d, d } : [d])
            .ToList();
        deliveries = settings.InOrder ? [.. deliveries.OrderBy(d => d.At)] : [.. deliveries.OrderBy(_ => random.Next())];

        AnsiConsole.MarkupLine($"[bold]Run {run}[/]: {meetings.Count} rooms ({string.Join(", ", meetings.GroupBy(m => m.Shape).Select(g => $"{g.Count()} {g.Key}"))}; " +
            $"{meetings.Count(m => m.Legacy)} with 2022 payloads), " +
            $"{meetings.Sum(m => m.Connections.Count)} connections, {deliveries.Count} deliveries to {settings.Url.EscapeMarkup()} at {settings.Rate}/s");

        var report = await SendAsync(settings, deliveries.Select(d => d.Body).ToList(), cancellationToken);
        AnsiConsole.MarkupLine($"Sent {report.Sent} in {report.Elapsed.TotalSeconds:F1} s ({report.Sent / report.Elapsed.TotalSeconds:F0}/s): " +
            $"{report.Acknowledged} acknowledged, {report.Retries} retries, [{(report.Failed == 0 ? "green" : "red")}]{report.Failed} failed[/]; " +
            $"latency p50 {report.Percentile(0.5):F1} ms, p99 {report.Percentile(0.99):F1} ms");

        var ok = report.Failed == 0 & await VerifyAsync(settings, meetings, Room, cancellationToken);
        AnsiConsole.MarkupLine(ok ? "[bold green]PASS[/]: every delivery acknowledged, every number equals the ground truth." : "[bold red]FAIL[/]");
        return ok ? 0 : 1;
    }

    private static async Task<SendReport> SendAsync(Settings settings, List<string> bodies, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(settings.Url), Timeout = TimeSpan.FromSeconds(5) };
        var report = new SendReport();
        var watch = Stopwatch.StartNew();
        var next = 0;
        var interval = TimeSpan.FromSeconds(1 / settings.Rate);

        using var progress = new CancellationTokenSource();
        var printer = Task.Run(async () =>
        {
            var last = 0;
            while (!progress.IsCancellationRequested)
            {
                try { await Task.Delay(1000, progress.Token); } catch (OperationCanceledException) { break; }
                var sent = report.Sent;
                AnsiConsole.MarkupLine($"  [grey]{watch.Elapsed:mm\\:ss}[/] sent {sent}/{bodies.Count}, {sent - last}/s, retries {report.Retries}, failed {report.Failed}");
                last = sent;
            }
        }, CancellationToken.None);

        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Concurrency), cancellationToken, async (_, token) =>
        {
            while (true)
            {
                var index = Interlocked.Increment(ref next) - 1;
                if (index >= bodies.Count)
                {
                    return;
                }
                // Pace by schedule: delivery i leaves at i / rate.
                var due = interval * index - watch.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, token);
                }
                await DeliverAsync(http, settings, bodies[index], report, token);
            }
        });
        report.Elapsed = watch.Elapsed;
        await progress.CancelAsync();
        await printer;
        return report;
    }

    private static async Task DeliverAsync(HttpClient http, Settings settings, string body, SendReport report, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (status, retries) = await WherebyDelivery.SendAsync(http, [http.BaseAddress!], 0, settings.Tenant, settings.Secret, body, cancellationToken);
        report.Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        Interlocked.Add(ref report.RetryCount, retries);
        Interlocked.Increment(ref report.SentCount);
        Interlocked.Increment(ref status is >= 200 and < 300 ? ref report.AcknowledgedCount : ref report.FailedCount);
    }

    private static async Task<bool> VerifyAsync(Settings settings, List<GeneratedMeeting> meetings, Func<GeneratedMeeting, string> room, CancellationToken cancellationToken)
    {
        using var reader = new HttpClient(new RetryAfterHandler(TimeProvider.System)) { BaseAddress = new Uri(settings.QueryUrl ?? settings.Url), Timeout = TimeSpan.FromSeconds(30) };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        var oracle = GeneratedMeeting.ServiceSettings with { AbandonAfter = settings.AbandonAfter };
        var table = new Table().AddColumns("room", "shape", "payloads", "sessions", "connections", "lost", "result");
        var deadline = DateTime.UtcNow.AddSeconds(settings.VerifyTimeout);
        var allPass = true;
        foreach (var meeting in meetings)
        {
            // Hand-offs and index registration follow the acknowledgements: poll until the API converges.
            var differences = await ConvergedAsync(() => OracleOverHttp.DifferencesAsync(reader, meeting, room(meeting), oracle), deadline, cancellationToken);
            allPass &= differences.Count == 0;
            table.AddRow(
                room(meeting).EscapeMarkup(),
                meeting.Shape.ToString(),
                meeting.Legacy ? "2022" : $"current, counts {meeting.Counts}",
                meeting.Sessions.Count.ToString(),
                meeting.Connections.Count.ToString(),
                $"{meeting.Connections.Count(c => !c.LeftDelivered)} lefts, {meeting.Connections.Count(c => !c.JoinDelivered)} joins",
                Result(differences));
        }
        AnsiConsole.Write(table);

        // Each room's totals in the tenant's rooms listing.
        var roomDifferences = await ConvergedAsync(() => OracleOverHttp.RoomDifferencesAsync(reader, [.. meetings.Select(m => (m, room(m)))], oracle), deadline, cancellationToken);
        AnsiConsole.MarkupLine($"/v1/insights/rooms: {meetings.Count} rooms' totals checked: {Result(roomDifferences, "all equal")}");
        allPass &= roomDifferences.Count == 0;

        // Each person's report across the rooms of this run (a run's people meet in several rooms).
        var rooms = meetings.Select(room).ToHashSet(StringComparer.Ordinal);
        var people = new Table().AddColumns("person", "rooms", "sessions", "result");
        var failed = 0;
        var acrossRooms = 0;
        var expected = MeetingOracle.ExpectAttendance(meetings.Select(m => (m, room(m))), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), oracle);
        foreach (var (person, rows) in expected.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var differences = await ConvergedAsync(() => OracleOverHttp.AttendanceDifferencesAsync(reader, person, rows, rooms.Contains), deadline, cancellationToken);
            failed += differences.Count == 0 ? 0 : 1;
            var roomCount = rows.Select(r => r.RoomName).Distinct().Count();
            acrossRooms += roomCount > 1 ? 1 : 0;
            if (roomCount > 1 || differences.Count > 0)
            {
                people.AddRow(person.EscapeMarkup(), roomCount.ToString(), rows.Count.ToString(), Result(differences));
            }
        }
        if (people.Rows.Count > 0)
        {
            AnsiConsole.Write(people);
        }
        AnsiConsole.MarkupLine($"/v1/attendance: {expected.Count} people checked ({acrossRooms} across rooms, listed above): " +
            (failed == 0 ? "[green]all equal[/]" : $"[red]{failed} differ[/]"));
        allPass &= failed == 0;
        return allPass;
    }

    // The API converges after the acknowledgements (hand-offs, index registration): ask again until equal or out of time.
    private static async Task<List<string>> ConvergedAsync(Func<Task<List<string>>> differences, DateTime deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            var found = await differences();
            if (found.Count == 0 || DateTime.UtcNow > deadline)
            {
                return found;
            }
            await Task.Delay(500, cancellationToken);
        }
    }

    private static string Result(List<string> differences, string pass = "pass") =>
        differences.Count == 0 ? $"[green]{pass}[/]" : $"[red]{differences.Count} differences[/], e.g. {differences[0].EscapeMarkup()}";

    private sealed class SendReport
    {
        public int SentCount;
        public int AcknowledgedCount;
        public int RetryCount;
        public int FailedCount;

        public int Sent => Volatile.Read(ref SentCount);
        public int Acknowledged => Volatile.Read(ref AcknowledgedCount);
        public int Retries => Volatile.Read(ref RetryCount);
        public int Failed => Volatile.Read(ref FailedCount);
        public TimeSpan Elapsed { get; set; }
        public ConcurrentBag<double> Latencies { get; } = [];

        public double Percentile(double p)
        {
            var sorted = Latencies.Order().ToList();
            return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
        }
    }
}

using WherebyGrains.Simulator;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using WherebyGrains.ServiceDefaults;
using WherebyGrains.Contracts;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

[Trait("Category", "Integration")]
public sealed partial class TelemetryTests : AzuriteTest
{
    private const string AdminKey = "admin-key-for-the-dashboard";

    /// <summary>A realistic scenario: a whole session, a duplicate, a rejection, and queries.</summary>
    private static async Task RunScenarioAsync(SiloFactory silo, string externalId, string displayName, string metadata)
    {
        var sender = silo.Webhooks();
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var events = new[]
        {
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/telemetry", start, "tp1", "ts1", "host", externalId, displayName, metadata),
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/telemetry", start, "tp2", "ts1", "visitor", "other-person", "Someone", null),
            WherebyPayloads.Session(WherebyEventTypes.SessionStarted, "/telemetry", start, "ts1"),
            WherebyPayloads.Client(WherebyEventTypes.ClientKnocked, "/telemetry", start.AddMinutes(1), "tp3", null, "visitor", externalId, displayName, metadata),
            WherebyPayloads.Client(WherebyEventTypes.ClientLeft, "/telemetry", start.AddMinutes(20), "tp1", "ts1", "host", externalId, displayName, metadata),
            WherebyPayloads.Client(WherebyEventTypes.ClientLeft, "/telemetry", start.AddMinutes(21), "tp2", "ts1", "visitor", "other-person", "Someone", null),
            WherebyPayloads.Session(WherebyEventTypes.SessionEnded, "/telemetry", start.AddMinutes(22), "ts1"),
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/telemetry-live", DateTimeOffset.UtcNow, "tp4", "ts2", "host", externalId, displayName, metadata),
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/telemetry-live", DateTimeOffset.UtcNow, "tp5", "ts2", "visitor", "third", "Third", null),
        };
        foreach (var body in events.Append(events[0]))
        {
            Assert.Equal(200, (await sender.SendAsync(body)).Status);
        }
        var forged = Encoding.UTF8.GetBytes(events[0]);
        Assert.Equal(401, (int)(await sender.PostAsync(forged, WebhookSigner.Sign("not-the-secret", forged, DateTimeOffset.UtcNow))).StatusCode);

        var reader = silo.Reader();
        foreach (var path in new[]
        {
            $"/v1/attendance?externalId={Uri.EscapeDataString(externalId)}",
            $"/v1/insights/participants?externalId={Uri.EscapeDataString(externalId)}",
            "/v1/insights/participants?roomSessionId=ts1",
            "/v1/rooms/presence?roomName=%2Ftelemetry-live",
            "/v1/insights/rooms",
        })
        {
            Assert.True((await reader.GetAsync(path, TestContext.Current.CancellationToken)).IsSuccessStatusCode, path);
        }
        // Let hand-offs and registrations that follow the acknowledgements happen too (Eventually
        // throws if they never do): the person's report holds both sessions, newest first, the live
        // one and the ended one with the host's 20 minutes; the rooms index lists both rooms.
        await Eventually.Async(
            async () => string.Join("; ", JsonDocument.Parse(await reader.GetStringAsync($"/v1/attendance?externalId={Uri.EscapeDataString(externalId)}", TestContext.Current.CancellationToken))
                .RootElement.GetProperty("sessions").EnumerateArray().Select(r => r.GetProperty("sessionEndedAt").ValueKind == JsonValueKind.Null
                    ? $"{r.GetProperty("roomName").GetString()} {r.GetProperty("roomSessionId").GetString()} live"
                    : $"{r.GetProperty("roomName").GetString()} {r.GetProperty("roomSessionId").GetString()} {r.GetProperty("attendedSeconds").GetDouble()} s")),
            rows => rows == "/telemetry-live ts2 live; /telemetry ts1 1200 s");
        await Eventually.Async(
            async () => string.Join("; ", JsonDocument.Parse(await reader.GetStringAsync("/v1/insights/rooms?limit=100", TestContext.Current.CancellationToken))
                .RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("roomName").GetString())),
            rooms => rooms == "/telemetry; /telemetry-live");
    }

    [Fact]
    public async Task No_secret_or_personal_data_reaches_logs_or_spans_even_at_debug()
    {
        const string externalId = "ext-SENSITIVE-4412";
        const string displayName = "Name SENSITIVE-9931";
        const string metadataValue = "meta-SENSITIVE-7781";
        const string metadataKey = "metakey-SENSITIVE-3";
        var metadata = GeneratedMeeting.SignMetadata(metadataValue, DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(metadataKey));
        var logs = new CapturingLoggerProvider();
        var spans = new List<Activity>();

        await using (var silo = new SiloFactory(Azurite.ConnectionString, new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            ["Logging:LogLevel:Orleans"] = "Debug",
            ["Logging:LogLevel:Azure"] = "Debug",
            [$"WherebyGrains:Tenants:{SiloFactory.Tenant}:MetadataKeys:0"] = metadataKey,
        }).WithLogsAndSpans(logs, spans))
        {
            await RunScenarioAsync(silo, externalId, displayName, metadata);
        }

        var secrets = new[] { SiloFactory.Secret, SiloFactory.OldSecret, SiloFactory.ApiKey, metadataKey, externalId, displayName, metadataValue, "SENSITIVE" };
        Assert.True(logs.Entries.Count > 100, $"only {logs.Entries.Count} log entries: is Debug logging captured?");
        Assert.Contains(logs.Entries, e => e.Contains("WherebyGrains", StringComparison.Ordinal));
        foreach (var entry in logs.Entries)
        {
            Assert.DoesNotContain(secrets, s => entry.Contains(s, StringComparison.Ordinal));
            Assert.False(SignatureHex().IsMatch(entry), $"a signature in: {entry}");
        }

        Assert.Contains(spans, s => s.Source.Name == Telemetry.Name && s.GetTagItem("whereby.event.id") is not null);
        foreach (var span in spans)
        {
            var text = $"{span.DisplayName} {span.OperationName} {span.StatusDescription} " +
                string.Join(' ', span.TagObjects.Select(t => $"{t.Key}={t.Value}")) +
                string.Join(' ', span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name} {t.Key}={t.Value}")));
            Assert.DoesNotContain(secrets, s => text.Contains(s, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task One_trace_runs_from_the_webhook_through_the_grain_to_storage()
    {
        var spans = new List<Activity>();
        await using var silo = new SiloFactory(Azurite.ConnectionString).WithLogsAndSpans(new CapturingLoggerProvider(), spans);
        var body = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/traced", DateTimeOffset.UtcNow, "p1", "s1");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString();
        Assert.Equal(200, (await silo.Webhooks().SendAsync(body)).Status);
        await silo.DisposeAsync();

        var ingest = Assert.Single(spans, s => s.Source.Name == Telemetry.Name && (string?)s.GetTagItem("whereby.event.id") == id);
        Assert.Equal(("room.client.joined", "accepted", SiloFactory.Tenant), (ingest.GetTagItem("whereby.event.type"), ingest.GetTagItem("wherebygrains.outcome"), ingest.GetTagItem(Telemetry.TenantTag)));
        var inTrace = spans.Where(s => s.TraceId == ingest.TraceId).ToList();
        // The grain call is Orleans' span (its source), and names the room grain (IRoomGrain, or its alias wg.IRoomGrain).
        var orleans = inTrace.Where(s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)).ToList();
        Assert.True(orleans.Any(s => s.DisplayName.Contains("IRoomGrain", StringComparison.Ordinal)),
            $"no Orleans span of the room grain in the trace: {string.Join(", ", inTrace.Select(s => $"{s.Source.Name}: {s.DisplayName}"))}");
        Assert.Contains(inTrace, s => s.Source.Name.StartsWith("Azure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_metric_the_grafana_dashboard_queries_is_exported_after_traffic()
    {
        await using var silo = new SiloFactory(Azurite.ConnectionString, new Dictionary<string, string>
        {
            // Rooms checkpoint (and report their writes) within the wait, not a minute later.
            ["WherebyGrains:Sessions:WriteBehind"] = "00:00:01",
        });
        await RunScenarioAsync(silo, "metrics-person", "Metrics Person", "m");
        var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "grafana", "wherebygrains-dashboard.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            // Label names live in "by (...)" and "{...}": drop those before looking for metric names.
            .Select(expr => Regex.Replace(Regex.Replace(expr, @"by \([^)]*\)", ""), @"\{[^}]*\}", ""))
            .SelectMany(expr => MetricName().Matches(expr).Select(m => m.Value))
            .ToHashSet();
        Assert.Contains("wherebygrains_webhooks_received_total", queried);
        Assert.Contains("orleans_storage_write_latency_milliseconds_bucket", queried);

        var exported = await Eventually.Async(
            async () => (await silo.CreateClient().GetStringAsync("/metrics", TestContext.Current.CancellationToken))
                .Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('{', ' ')[0]).ToHashSet(),
            names => queried.IsSubsetOf(names));

        Assert.Empty(queried.Except(exported));
    }

    [Fact]
    public async Task The_orleans_dashboard_needs_the_admin_key_and_health_reports_ready()
    {
        await using var silo = new SiloFactory(Azurite.ConnectionString, new Dictionary<string, string> { ["WherebyGrains:Dashboard:AdminKey"] = AdminKey });
        var client = silo.CreateClient();

        var anonymous = await client.GetAsync("/dashboard", TestContext.Current.CancellationToken);
        Assert.Equal(401, (int)anonymous.StatusCode);
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString());
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/dashboard") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "guess") } };
        Assert.Equal(401, (int)(await client.SendAsync(wrong, TestContext.Current.CancellationToken)).StatusCode);
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/dashboard/")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + AdminKey))) },
        };
        var authorized = await client.SendAsync(basic, TestContext.Current.CancellationToken);
        Assert.True(200 == (int)authorized.StatusCode, $"{(int)authorized.StatusCode} {authorized.Headers} {await authorized.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");

        Assert.Equal(200, (int)(await client.GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode);
        var ready = await Eventually.Async(async () => (int)(await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode, s => s == 200);
        Assert.Equal(200, ready);
        await Azurite.StopAsync();
        Assert.Equal(503, (int)(await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);
        await Azurite.StartAgainAsync();
    }

    [GeneratedRegex("v1=[0-9a-fA-F]{64}")]
    private static partial Regex SignatureHex();

    [Fact]
    public async Task Without_an_exporter_or_a_sampler_setting_no_spans_are_recorded()
    {
        var spans = new List<Activity>();
        await using var silo = new SiloFactory(Azurite.ConnectionString);
        silo.Configure = builder => builder.ConfigureServices(services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        var body = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/untraced", DateTimeOffset.UtcNow, "p1", "s1");
        Assert.Equal(200, (await silo.Webhooks().SendAsync(body)).Status);
        await silo.DisposeAsync();

        Assert.Empty(spans);
    }

    [GeneratedRegex(@"\b(wherebygrains|orleans|http|dotnet|kestrel|aspnetcore)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}

/// <summary>Wires log and span capture into a silo under test.</summary>
public static class SiloFactoryTelemetry
{
    public static SiloFactory WithLogsAndSpans(this SiloFactory silo, CapturingLoggerProvider logs, List<Activity> spans)
    {
        silo.Configure = builder =>
        {
            // Like any exporter that is not OTLP: spans are recorded only when asked for.
            builder.UseSetting(TelemetrySetup.SamplerKey, "always_on");
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            });
        };
        return silo;
    }
}

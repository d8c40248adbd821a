using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Contracts;

namespace WherebyGrains.Silo.Tests.Fuzzing;

/// <summary>How a fuzzing run went.</summary>
public sealed record FuzzReport(int Seed, long Cases, TimeSpan Elapsed, IReadOnlyDictionary<string, long> Statuses, IReadOnlyList<string> Findings)
{
    public override string ToString() =>
        $"fuzz seed {Seed}: {Cases} cases in {Elapsed.TotalSeconds:F1} s ({string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}); {Findings.Count} found"
        + string.Concat(Findings.Take(20).Select(f => "\n  " + f));
}

/// <summary>
/// Runs generated webhook and query cases through the real HTTP pipeline of a silo and checks the
/// invariants: never a 5xx; a rejected webhook changes nothing; an accepted one is reflected by its
/// room (as the real parser reads the same bytes); every 400 is a problem with a detail.
/// </summary>
public sealed class FuzzRun(SiloFactory silo, int seed)
{
    private readonly HttpClient _http = silo.CreateClient();
    private readonly Dictionary<string, long> _statuses = [];
    private readonly List<string> _findings = [];

    /// <summary>Runs <paramref name="cases"/> cases, or until <paramref name="duration"/> passes when given.</summary>
    public async Task<FuzzReport> RunAsync(long cases, TimeSpan? duration, CancellationToken cancellation)
    {
        var random = new Random(seed);
        var started = Stopwatch.StartNew();
        long n = 0;
        while ((duration is { } d ? started.Elapsed < d : n < cases) && !cancellation.IsCancellationRequested)
        {
            // Half webhooks, half queries.
            if (random.Next(2) == 0)
            {
                await WebhookAsync(WebhookCases.Next(random, (int)(n % int.MaxValue), SiloFactory.Secret, DateTimeOffset.UtcNow), cancellation);
            }
            else
            {
                await QueryAsync(QueryCases.Next(random, SiloFactory.ApiKey), cancellation);
            }
            n++;
        }
        return new FuzzReport(seed, n, started.Elapsed, _statuses, _findings);
    }

    private async Task WebhookAsync(WebhookCase c, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{SiloFactory.Tenant}") { Content = new ByteArrayContent(c.Body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
        if (c.Signature is not null)
        {
            request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, c.Signature);
        }
        using var response = await _http.SendAsync(request, cancellation);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellation);
        Count("webhook " + status);

        if (status >= 500)
        {
            Find(c.Description, $"webhook answered {status}: {Shorten(text)}");
            return;
        }
        // What the front door's own parser makes of these bytes, under the same signature window.
        var options = new Api.Configuration.WebhookOptions();
        var check = WebhookSignature.Verify(c.Signature ?? "", c.Body, [Encoding.UTF8.GetBytes(SiloFactory.Secret)], DateTimeOffset.UtcNow, options.SignatureTolerance, out var signedAt);
        var parsed = check == SignatureCheck.Valid ? WebhookEventParser.Parse(c.Body, new EventTimeBounds(signedAt, options.SignatureTolerance, options.MaxEventAge)) : default;

        if (status >= 400)
        {
            if (status == 400)
            {
                ExpectProblem(c.Description, response, text);
            }
            foreach (var room in new[] { c.Room, parsed.Event?.RoomName }.OfType<string>().Distinct())
            {
                var events = await Room(room).GetRecordedEventsAsync();
                if (events.Any(e => e.Id == c.Id || e.Id == parsed.Id))
                {
                    Find(c.Description, $"answered {status}, yet room {room} recorded the event");
                }
            }
            return;
        }
        if (parsed.Error is not null || check != SignatureCheck.Valid)
        {
            Find(c.Description, $"answered {status} for a body the parser rejects ({check}, {parsed.Error})");
            return;
        }
        if (parsed.Event is { } evt && !(await Room(evt.RoomName).GetRecordedEventsAsync()).Any(e => e.Id == evt.Id))
        {
            Find(c.Description, $"answered {status} {Shorten(text)}, yet room {evt.RoomName} does not hold the event");
        }
    }

    private async Task QueryAsync(QueryCase c, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, c.PathAndQuery);
        if (c.ApiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + c.ApiKey);
        }
        if (c.Accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", c.Accept);
        }
        using var response = await _http.SendAsync(request, cancellation);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellation);
        Count("query " + status);
        var what = "GET " + Shorten(c.PathAndQuery, 200) + (c.Accept is null ? "" : $" (Accept: {c.Accept})");
        if (status >= 500)
        {
            Find(what, $"answered {status}: {Shorten(text)}");
        }
        else if (status == 400)
        {
            ExpectProblem(what, response, text);
        }
        else if (status == 200 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            try
            {
                using var _ = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                Find(what, "a 200 whose JSON does not parse: " + e.Message);
            }
        }
    }

    private void ExpectProblem(string what, HttpResponseMessage response, string text)
    {
        try
        {
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || !JsonDocument.Parse(text).RootElement.TryGetProperty("detail", out var detail) || string.IsNullOrWhiteSpace(detail.GetString()))
            {
                Find(what, "a 400 without a problem+json detail: " + Shorten(text));
            }
        }
        catch (JsonException)
        {
            Find(what, "a 400 whose body is not JSON: " + Shorten(text));
        }
    }

    private IRoomGrain Room(string name) => silo.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, name).ToString());

    private void Count(string key) => _statuses[key] = _statuses.GetValueOrDefault(key) + 1;

    private void Find(string what, string problem) => _findings.Add($"{problem} — case: {what}");

    private static string Shorten(string text, int length = 300) => text.Length <= length ? text : text[..length] + "…";
}

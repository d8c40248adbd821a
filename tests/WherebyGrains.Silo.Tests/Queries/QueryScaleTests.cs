using WherebyGrains.Simulator;
using System.Text.Json;
using WherebyGrains.Contracts;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>Rate limiting of the query side, and paging a tenant's rooms through the bucketed index.</summary>
[Trait("Category", "Integration")]
public sealed class QueryScaleTests : AzuriteTest
{

    [Fact]
    public async Task The_simulators_reader_waits_out_a_429_as_retry_after_says_and_gets_its_answer()
    {
        await using var silo = new SiloFactory(Azurite.ConnectionString, new Dictionary<string, string>
        {
            ["WherebyGrains:Query:PermitsPerSecond"] = "1",
            ["WherebyGrains:Query:Burst"] = "1",
        });
        // What the server answered the handler, refusals included (the client sees only the last answer).
        var answered = new Refusals(silo.Server.CreateHandler());
        using var reader = new HttpClient(new RetryAfterHandler(TimeProvider.System, answered)) { BaseAddress = silo.Server.BaseAddress };
        reader.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SiloFactory.ApiKey);

        // Three reads against a budget of one a second: the second and third are refused at first.
        var statuses = new List<int>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((int)(await reader.GetAsync("/v1/insights/rooms", TestContext.Current.CancellationToken)).StatusCode);
        }

        Assert.Equal([200, 200, 200], statuses);
        // Refused, and waited out: without a 429 there was nothing for the reader to wait out. (The
        // third may find the budget refilled on a slow machine.)
        Assert.InRange(answered.Count, 1, 2);
        Assert.True(clock.Elapsed >= answered.RetryAfter, $"{clock.Elapsed} for {answered.Count} refusals asking {answered.RetryAfter} in all");
    }

    /// <summary>Counts the 429s a handler's requests were answered, and the Retry-After they asked.</summary>
    private sealed class Refusals(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public int Count { get; private set; }

        public TimeSpan RetryAfter { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
            {
                Count++;
                RetryAfter += response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            }
            return response;
        }
    }

    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_retry_after_while_webhooks_are_never_limited()
    {
        await using var silo = new SiloFactory(Azurite.ConnectionString, new Dictionary<string, string>
        {
            ["WherebyGrains:Query:PermitsPerSecond"] = "1",
            ["WherebyGrains:Query:Burst"] = "3",
        });
        var reader = silo.Reader();
        var statuses = new List<int>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await reader.GetAsync("/v1/insights/rooms", TestContext.Current.CancellationToken);
            statuses.Add((int)response.StatusCode);
            if ((int)response.StatusCode == 429)
            {
                limited ??= response;
            }
        }

        Assert.Equal([200, 200, 200], statuses.Take(3));
        Assert.Contains(429, statuses);
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);

        // Another key has its own budget.
        Assert.Equal(200, (int)(await silo.Reader(SiloFactory.OtherApiKey).GetAsync("/v1/insights/rooms", TestContext.Current.CancellationToken)).StatusCode);

        // Webhooks at a rate far above the query limit: all acknowledged.
        var sender = silo.Webhooks();
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            sender.SendAsync(WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/limits", DateTimeOffset.UtcNow.AddSeconds(-i), participantId: $"p{i}"))));
        Assert.All(answers, a => Assert.Equal(200, a.Status));
    }

    [Fact]
    public async Task A_thousand_rooms_page_through_in_name_order_without_gaps_or_repeats()
    {
        await using var silo = new SiloFactory(Azurite.ConnectionString);
        var sender = silo.Webhooks();
        var names = Enumerable.Range(0, 1000).Select(i => $"/room-{i:D4}").ToList();
        foreach (var chunk in names.Chunk(50))
        {
            var answers = await Task.WhenAll(chunk.Select(n =>
                sender.SendAsync(WherebyPayloads.Client(WherebyEventTypes.ClientJoined, n, DateTimeOffset.UtcNow.AddMinutes(-1), participantId: "p1"))));
            Assert.All(answers, a => Assert.Equal(200, a.Status));
        }

        var reader = silo.Reader();
        async Task<List<string>> ReadAllAsync()
        {
            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var body = await reader.GetStringAsync("/v1/insights/rooms?limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), TestContext.Current.CancellationToken);
                var page = JsonDocument.Parse(body).RootElement;
                seen.AddRange(page.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("roomName").GetString()!));
                cursor = page.GetProperty("cursor").GetString();
            }
            while (cursor is not null && seen.Count <= 2000);
            return seen;
        }

        // Registration in the index follows the acknowledgement: wait until it has caught up.
        var all = await Eventually.Async(ReadAllAsync, seen => seen.Count == 1000, TimeSpan.FromSeconds(60));
        Assert.Equal(names, all);
    }
}

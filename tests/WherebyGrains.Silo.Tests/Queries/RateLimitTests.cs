using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using WherebyGrains.Api.Configuration;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// The query API's limits: failed authentication per address and overall (guessing keys meets a
/// 429, whatever keys are tried), a budget per tenant shared by its keys, defaults a class sync
/// never meets, and a key configured for two tenants refused at start.
/// </summary>
public sealed class RateLimitTests
{
    private const string AddressHeader = "X-Test-Client-Address";

    private static async Task<SiloFactory> StartAsync(Dictionary<string, string> settings)
    {
        settings["WherebyGrains:Storage:Provider"] = "Memory";
        var silo = new SiloFactory("UseDevelopmentStorage=true", settings)
        {
            Configure = builder => builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, ClientAddressFromHeader>()),
        };
        await Task.Run(() => silo.CreateClient().Dispose()).WaitAsync(TimeSpan.FromMinutes(2));
        return silo;
    }

    private static async Task<int> GetAsync(HttpClient http, string key, string? address = null, string path = "/v1/insights/rooms")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        if (address is not null)
        {
            request.Headers.Add(AddressHeader, address);
        }
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Assert.True(response.Headers.RetryAfter is not null, "a 429 without Retry-After");
        }
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task Distinct_wrong_keys_from_one_address_meet_a_429_and_a_valid_key_is_unaffected()
    {
        await using var silo = await StartAsync([]);
        var http = silo.CreateClient();

        var statuses = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            statuses.Add(await GetAsync(http, $"guess-{i:D4}", "203.0.113.7"));
        }

        Assert.Equal(new QueryOptions().FailedAuthPerAddressBurst, statuses.Count(s => s == 401));
        Assert.All(statuses.Skip(new QueryOptions().FailedAuthPerAddressBurst), s => Assert.Equal(429, s));
        Assert.Equal(200, await GetAsync(http, SiloFactory.ApiKey, "203.0.113.7"));
        Assert.Equal(401, await GetAsync(http, "guess-other-address", "198.51.100.1"));
    }

    [Fact]
    public async Task Wrong_keys_from_many_addresses_meet_the_overall_limit()
    {
        await using var silo = await StartAsync(new Dictionary<string, string>
        {
            ["WherebyGrains:Query:FailedAuthBurst"] = "30",
            ["WherebyGrains:Query:FailedAuthPermitsPerSecond"] = "1",
        });
        var http = silo.CreateClient();

        var statuses = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            // An address of its own each, all in different /64s.
            statuses.Add(await GetAsync(http, $"guess-{i:D4}", $"2001:db8:{i:x}::1"));
        }

        Assert.InRange(statuses.Count(s => s == 401), 30, 32);
        Assert.Equal(429, statuses[^1]);
    }

    [Fact]
    public async Task The_keys_of_one_tenant_share_its_budget()
    {
        await using var silo = await StartAsync(new Dictionary<string, string>
        {
            ["WherebyGrains:Query:PermitsPerSecond"] = "1",
            ["WherebyGrains:Query:Burst"] = "5",
            [$"WherebyGrains:Tenants:{SiloFactory.Tenant}:ApiKeys:1"] = "key-acme-second",
        });
        var http = silo.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, await GetAsync(http, SiloFactory.ApiKey));
        }

        Assert.Equal(429, await GetAsync(http, "key-acme-second"));
        Assert.Equal(200, await GetAsync(http, SiloFactory.OtherApiKey));
    }

    [Fact]
    public async Task Syncing_a_500_person_class_at_full_speed_never_meets_a_429_at_the_defaults()
    {
        var defaults = new QueryOptions();
        await using var silo = await StartAsync(new Dictionary<string, string>
        {
            ["WherebyGrains:Query:PermitsPerSecond"] = defaults.PermitsPerSecond.ToString(),
            ["WherebyGrains:Query:Burst"] = defaults.Burst.ToString(),
        });
        var http = silo.CreateClient();

        // The participants of one session, 100 a page, then each of the 500 people's attendance.
        var statuses = new List<int>();
        for (var page = 0; page < 5; page++)
        {
            statuses.Add(await GetAsync(http, SiloFactory.ApiKey, path: "/v1/insights/participants?roomSessionId=class-500&limit=100"));
        }
        for (var person = 0; person < 500; person++)
        {
            statuses.Add(await GetAsync(http, SiloFactory.ApiKey, path: $"/v1/attendance?externalId=student-{person}"));
        }

        Assert.All(statuses, s => Assert.Equal(200, s));
    }

    [Fact]
    public async Task A_key_configured_for_two_tenants_stops_the_start_with_a_clear_error()
    {
        var silo = new SiloFactory("UseDevelopmentStorage=true", new Dictionary<string, string>
        {
            ["WherebyGrains:Storage:Provider"] = "Memory",
            [$"WherebyGrains:Tenants:{SiloFactory.OtherTenant}:ApiKeys:1"] = SiloFactory.ApiKey,
        });
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => Task.Run(() => silo.CreateClient().Dispose(), TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken));
            Assert.Contains("also configured for tenant", error.ToString());
            Assert.DoesNotContain(SiloFactory.ApiKey, error.ToString());
        }
        finally
        {
            try
            {
                await silo.DisposeAsync();
            }
            catch (Exception)
            {
                // The host never started: nothing to stop.
            }
        }
    }

    /// <summary>Sets the connection's remote address from a header: the test's many clients.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (context.Request.Headers[AddressHeader].ToString() is { Length: > 0 } address)
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                }
                await following(context);
            });
            next(app);
        };
    }
}

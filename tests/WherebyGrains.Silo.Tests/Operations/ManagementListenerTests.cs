using Microsoft.AspNetCore.Hosting;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// With <c>WherebyGrains:Management:Urls</c>, <c>/metrics</c> and the dashboard are served only on
/// that listener (real Kestrel ports, not the test server): the public one answers 404 for them,
/// whatever Host header the client sends.
/// </summary>
public sealed class ManagementListenerTests
{
    [Fact]
    public async Task Metrics_and_the_dashboard_answer_only_on_the_management_port()
    {
        var publicPort = FreePort.Next();
        var managementPort = FreePort.Next();
        await using var silo = new SiloFactory("UseDevelopmentStorage=true", new Dictionary<string, string>
        {
            ["WherebyGrains:Storage:Provider"] = "Memory",
            ["WherebyGrains:Management:Urls"] = $"http://127.0.0.1:{managementPort}",
            ["WherebyGrains:Dashboard:AdminKey"] = "admin-key-test",
            [WebHostDefaults.ServerUrlsKey] = $"http://127.0.0.1:{publicPort}",
        });
        silo.UseKestrel();
        silo.StartServer();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var ct = TestContext.Current.CancellationToken;

        async Task<int> StatusAsync(int port, string path, string? host = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "admin-key-test");
            if (host is not null)
            {
                request.Headers.Host = host;
            }
            using var response = await http.SendAsync(request, ct);
            return (int)response.StatusCode;
        }

        Assert.Equal(200, await StatusAsync(managementPort, "/metrics"));
        Assert.Equal(404, await StatusAsync(publicPort, "/metrics"));
        Assert.Equal(404, await StatusAsync(publicPort, "/metrics", host: $"127.0.0.1:{managementPort}"));
        Assert.Equal(404, await StatusAsync(publicPort, "/dashboard/"));
        // With the admin key (every request here carries it): the dashboard itself, not any answer but 404.
        Assert.Equal(200, await StatusAsync(managementPort, "/dashboard/"));
        Assert.Equal(200, await StatusAsync(publicPort, "/health/live"));
        Assert.Equal(200, await StatusAsync(managementPort, "/health/live"));
    }
}

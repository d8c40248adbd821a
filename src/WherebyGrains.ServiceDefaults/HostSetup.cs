using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;

namespace WherebyGrains.ServiceDefaults;

/// <summary>Defaults every WherebyGrains host applies the same way.</summary>
public static class HostSetup
{
    /// <summary>The health check tag of what <c>/health/ready</c> checks.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Serves <paramref name="url"/> unless <c>ASPNETCORE_URLS</c> or <c>--urls</c> says otherwise.</summary>
    public static WebApplicationBuilder UseDefaultUrl(this WebApplicationBuilder builder, string url)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(url);
        }
        return builder;
    }

    /// <summary>
    /// Maps <c>/health/live</c> (the process serves HTTP) and <c>/health/ready</c> (the checks tagged
    /// <see cref="ReadyTag"/>), and Prometheus' <c>/metrics</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthAndMetrics(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace WherebyGrains.ServiceDefaults;

/// <summary>
/// A listener of its own for what only operators read: <c>/metrics</c> (every tenant's traffic by
/// name) and the Orleans Dashboard. With <c>WherebyGrains:Management:Urls</c> set, the host also
/// listens there, and those paths answer 404 on every other listener; without it they stay on the
/// public one (a single-port local run). Health endpoints answer on both (probes and load balancers).
/// </summary>
public static class ManagementListener
{
    /// <summary>The configuration key: URLs as in <c>ASPNETCORE_URLS</c>, <c>;</c>-separated, e.g. <c>http://+:9091</c>.</summary>
    public const string UrlsKey = "WherebyGrains:Management:Urls";

    /// <summary>Paths served only on the management listener when there is one.</summary>
    public static readonly string[] ManagementPaths = ["/metrics", "/dashboard"];

    /// <summary>
    /// Serves the public URLs (<c>ASPNETCORE_URLS</c>/<c>--urls</c>, else <paramref name="defaultUrl"/>)
    /// and, when configured, the management URLs beside them.
    /// </summary>
    public static WebApplicationBuilder UseUrlsWithManagement(this WebApplicationBuilder builder, string defaultUrl)
    {
        var publicUrls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : defaultUrl;
        var management = builder.Configuration[UrlsKey];
        builder.WebHost.UseUrls(string.IsNullOrWhiteSpace(management) ? publicUrls : publicUrls + ";" + management);
        return builder;
    }

    /// <summary>The management listener's ports, or empty when there is none.</summary>
    public static IReadOnlySet<int> Ports(IConfiguration configuration)
    {
        var ports = new HashSet<int>();
        foreach (var url in (configuration[UrlsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{UrlsKey}: '{url}' is not a URL, e.g. http://+:9091.");
            }
            ports.Add(address.Port);
        }
        return ports;
    }

    /// <summary>Answers 404 for the management paths on any listener but the management one (when configured).</summary>
    public static WebApplication UseManagementListener(this WebApplication app)
    {
        var ports = Ports(app.Configuration);
        if (ports.Count == 0)
        {
            return app;
        }
        // The listener's own port, not the Host header (which the client chooses).
        app.Use(async (context, next) =>
        {
            if (!ports.Contains(context.Connection.LocalPort) && IsManagementPath(context.Request.Path))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
        });
        return app;
    }

    private static bool IsManagementPath(PathString path)
    {
        foreach (var prefix in ManagementPaths)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}

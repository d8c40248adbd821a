using System.Security.Cryptography;
using System.Text;
using Orleans.Dashboard;

namespace WherebyGrains.Silo;

/// <summary>
/// The Orleans Dashboard at <c>/dashboard</c>, which has no authentication of its own, behind the
/// admin key of <c>WherebyGrains:Dashboard:AdminKey</c>: HTTP Basic with the key as password (what a
/// browser prompts for) or <c>Authorization: Bearer &lt;key&gt;</c>. Without a key it is not served.
/// </summary>
public static class DashboardAccess
{
    /// <summary>The configuration key of the admin key.</summary>
    public const string AdminKeySetting = "WherebyGrains:Dashboard:AdminKey";

    /// <summary>The path the dashboard is served under.</summary>
    public const string Path = "/dashboard";

    /// <summary>Adds the dashboard's silo parts when an admin key is configured.</summary>
    public static void AddDashboardIfConfigured(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (!string.IsNullOrEmpty(configuration[AdminKeySetting]))
        {
            silo.AddDashboard();
        }
    }

    /// <summary>Maps the dashboard behind the admin key, when one is configured.</summary>
    public static void MapDashboardIfConfigured(this WebApplication app)
    {
        var adminKey = app.Configuration[AdminKeySetting];
        if (string.IsNullOrEmpty(adminKey))
        {
            return;
        }
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(adminKey));
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (context, next) =>
        {
            if (PresentedKey(context.Request) is { } key && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), expected))
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Orleans Dashboard\", charset=\"UTF-8\"";
        }));
        app.MapOrleansDashboard(Path);
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header[7..].Trim();
        }
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = credentials.IndexOf(':');
                return colon >= 0 ? credentials[(colon + 1)..] : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return null;
    }
}

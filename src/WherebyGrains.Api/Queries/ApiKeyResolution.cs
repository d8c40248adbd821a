using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WherebyGrains.Api.Tenants;

namespace WherebyGrains.Api.Queries;

/// <summary>
/// Which tenant a request's bearer key names, worked out once per request (the rate limiter needs
/// it before the endpoint's key filter runs) and kept in the request's items.
/// </summary>
public static class ApiKeyResolution
{
    private const string Item = "WherebyGrains.ApiKeyTenant";
    private static readonly object NoTenant = new();

    /// <summary>The tenant whose API key the request presents, or null (no key, or not a configured one).</summary>
    public static string? TenantOf(HttpContext context)
    {
        if (context.Items.TryGetValue(Item, out var known))
        {
            return known as string;
        }
        var tenant = ApiKeyFilter.BearerKey(context.Request) is { Length: > 0 } key
            && context.RequestServices.GetRequiredService<TenantDirectory>().TryGetByApiKey(key, out var found)
                ? found.Id
                : null;
        context.Items[Item] = tenant ?? NoTenant;
        return tenant;
    }
}

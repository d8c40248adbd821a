using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace WherebyGrains.Api.Queries;

/// <summary>
/// Bearer-key authentication for the query API: the key decides the tenant, so a key can only
/// ever read its own tenant's data. Anything else is a 401 problem.
/// </summary>
public sealed class ApiKeyFilter : IEndpointFilter
{
    private const string TenantItem = "WherebyGrains.Tenant";

    /// <summary>The tenant the request's key belongs to (set by this filter).</summary>
    public static string TenantOf(HttpContext context) =>
        context.Items[TenantItem] as string ?? throw new InvalidOperationException("The query API's key filter did not run.");

    /// <summary>The presented bearer key, or null.</summary>
    public static string? BearerKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (ApiKeyResolution.TenantOf(http) is { } tenant)
        {
            http.Items[TenantItem] = tenant;
            return await next(context);
        }
        http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized",
            detail: "Send 'Authorization: Bearer <apiKey>' with one of your tenant's API keys.");
    }
}

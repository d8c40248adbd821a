using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WherebyGrains.Api.Configuration;
using WherebyGrains.Api.Tenants;
using WherebyGrains.Journal;

namespace WherebyGrains.Api.Webhooks;

/// <summary>Registers and maps the webhook ingest endpoint.</summary>
public static class WebhookEndpoints
{
    /// <summary>Adds what <see cref="MapWebhooks"/> needs: options, tenants, ingest. The host registers the <see cref="IEventJournal"/>.</summary>
    public static IServiceCollection AddWebhookIngest(this IServiceCollection services)
    {
        services.AddWherebyGrainsTenants();
        services.AddSingleton<RoomIngest>();
        services.AddSingleton<WebhookIngest>();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<IngestGate>();
        services.AddSingleton<StorageOutageLog>();
        return services;
    }

    /// <summary>
    /// Maps <c>POST /benchmarks/verify/{tenantId}</c>: the front door without the room, answering
    /// <c>accepted</c> for a verified event. Only for load measurements; never map it in production.
    /// </summary>
    public static IEndpointConventionBuilder MapVerifyOnlyWebhooks(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/benchmarks/verify/{tenantId}", (string tenantId, HttpContext context, WebhookIngest ingest) => ingest.VerifyOnlyAsync(tenantId, context))
            .ExcludeFromDescription();

    /// <summary>Maps <c>POST /webhooks/{tenantId}</c>.</summary>
    public static IEndpointConventionBuilder MapWebhooks(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/webhooks/{tenantId}", (string tenantId, HttpContext context, WebhookIngest ingest) => ingest.HandleAsync(tenantId, context))
            .WithName("ReceiveWebhook")
            .WithTags("Webhooks")
            .WithSummary("Receives one signed Whereby webhook event.")
            .Produces<IngestResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}

using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;
using WherebyGrains.Api.Tenants;
using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Webhooks;

/// <summary>
/// The front door for Whereby's webhooks: tenant, content type, size, signature (over the raw
/// bytes, before any parsing), then the event is parsed and handed to the room that owns it.
/// It answers 2xx only once the room has made the event durable, and 503 (which Whereby
/// retries) whenever it could not; never 500, never 429.
/// </summary>
public sealed partial class WebhookIngest(
    TenantDirectory tenants,
    IGrainFactory grains,
    TimeProvider clock,
    IOptionsMonitor<WherebyGrainsOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<WebhookIngest> logger)
{
    private static readonly IngestResponse AcceptedBody = new("accepted");
    private static readonly IngestResponse DuplicateBody = new("duplicate");

    /// <summary>Handles <c>POST /webhooks/{tenantId}</c>.</summary>
    public async Task<IResult> HandleAsync(string tenantId, HttpContext context)
    {
        var request = context.Request;
        if (!tenants.TryGet(tenantId, out var tenant))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown tenant", "No tenant with this id is configured.");
        }
        if (!IsJson(request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", "Whereby webhooks are sent as application/json.");
        }
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Unavailable("The service is shutting down; retry shortly.");
        }

        WebhookBody? body;
        try
        {
            body = await WebhookBody.ReadAsync(request, WebhookBody.MaxBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            return e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge()
                : Problem(StatusCodes.Status400BadRequest, "Unreadable body", "The request body could not be read.");
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return Problem(StatusCodes.Status400BadRequest, "Unreadable body", "The request body ended early.");
        }
        if (body is null)
        {
            return TooLarge();
        }

        using (body)
        {
            var webhookOptions = options.CurrentValue.Webhooks;
            var check = WebhookSignature.Verify(
                request.Headers[WebhookSignature.HeaderName].ToString(),
                body.Span,
                tenant.WebhookSecrets.AsSpan(),
                clock.GetUtcNow(),
                webhookOptions.SignatureTolerance);
            if (check != SignatureCheck.Valid)
            {
                LogRejectedSignature(tenantId, check);
                return Problem(StatusCodes.Status401Unauthorized, "Invalid signature", SignatureDetail(check));
            }

            var parsed = WebhookEventParser.Parse(body.Span);
            if (parsed.Error is { } error)
            {
                LogRejectedBody(tenantId, parsed.Id);
                return Problem(StatusCodes.Status400BadRequest, "Not a Whereby event", error);
            }
            if (parsed.Event is not { } evt)
            {
                LogIgnored(tenantId, parsed.Id, parsed.Type);
                return Json(AcceptedBody);
            }

            return await RecordAsync(tenantId, evt with { ReceivedAt = clock.GetUtcNow() }, webhookOptions.IngestTimeout, context.RequestAborted);
        }
    }

    private async Task<IResult> RecordAsync(string tenantId, WherebyEvent evt, TimeSpan timeout, CancellationToken aborted)
    {
        var room = grains.GetGrain<IRoomGrain>(new RoomKey(tenantId, evt.RoomName).ToString());
        try
        {
            // Waiting stops at the timeout (or when Whereby hangs up); the write itself carries on,
            // so a retry of this event finds it recorded and answers "duplicate".
            var outcome = await room.RecordAsync(evt).WaitAsync(timeout, clock, aborted);
            LogRecorded(tenantId, evt.Id, evt.Type, outcome);
            return Json(outcome == IngestOutcome.Accepted ? AcceptedBody : DuplicateBody);
        }
        catch (Exception e)
        {
            LogNotRecorded(e, tenantId, evt.Id, evt.Type);
            return Unavailable("The event could not be recorded durably right now; retry shortly.");
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } mediaType)
        {
            return false;
        }
        // application/json is what Whereby sends; text/json and +json suffixes are JSON all the same.
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static string SignatureDetail(SignatureCheck check) => check switch
    {
        SignatureCheck.Missing => $"The {WebhookSignature.HeaderName} header is missing.",
        SignatureCheck.Malformed => $"The {WebhookSignature.HeaderName} header needs exactly one t=<unix seconds> and at least one v1=<hex>.",
        SignatureCheck.OutsideTolerance => $"The {WebhookSignature.HeaderName} timestamp is outside the accepted tolerance.",
        _ => $"No v1 in {WebhookSignature.HeaderName} matches this tenant's secrets for this body.",
    };

    private static IResult Json(IngestResponse response) =>
        TypedResults.Json(response, WebhookJsonContext.Default.IngestResponse);

    private static IResult TooLarge() =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"Webhook bodies are limited to {WebhookBody.MaxBytes} bytes.");

    private static IResult Unavailable(string detail) =>
        Problem(StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable", detail);

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook for tenant {TenantId} rejected: signature {Check}")]
    private partial void LogRejectedSignature(string tenantId, SignatureCheck check);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventId} for tenant {TenantId} rejected: not a Whereby event")]
    private partial void LogRejectedBody(string tenantId, string? eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {EventId} ({EventType}) for tenant {TenantId} acknowledged and ignored")]
    private partial void LogIgnored(string tenantId, string? eventId, string? eventType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {EventId} ({EventType}) for tenant {TenantId}: {Outcome}")]
    private partial void LogRecorded(string tenantId, string eventId, string eventType, IngestOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} ({EventType}) for tenant {TenantId} could not be recorded; answered 503")]
    private partial void LogNotRecorded(Exception exception, string tenantId, string eventId, string eventType);
}

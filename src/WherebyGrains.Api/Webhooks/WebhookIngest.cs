using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;
using WherebyGrains.Api.Tenants;
using WherebyGrains.Contracts;
using WherebyGrains.Journal;

namespace WherebyGrains.Api.Webhooks;

/// <summary>
/// The front door for Whereby's webhooks: tenant, content type, size, signature (over the raw
/// bytes, before any parsing), then the event is parsed and goes the one ingest path
/// (<see cref="RoomIngest"/>: the journal, and its room). It answers 2xx only once the event is
/// durable, and 503 (which Whereby retries) whenever it could not be made so; never 500, never
/// 429. Every answer is counted, timed and traced with the event's id and type, never with its content.
/// </summary>
public sealed partial class WebhookIngest(
    TenantDirectory tenants,
    RoomIngest ingest,
    TimeProvider clock,
    IOptionsMonitor<WherebyGrainsOptions> options,
    IHostApplicationLifetime lifetime,
    IngestMetrics metrics,
    IngestGate gate,
    StorageOutageLog outage,
    ILogger<WebhookIngest> logger)
{
    private static readonly IngestResponse AcceptedBody = new("accepted");
    private static readonly IngestResponse DuplicateBody = new("duplicate");

    /// <summary>Handles <c>POST /webhooks/{tenantId}</c>.</summary>
    public Task<IResult> HandleAsync(string tenantId, HttpContext context) => HandleAsync(tenantId, context, record: true);

    /// <summary>
    /// Everything the front door does except handing the event to its room: for benchmarks, which
    /// compare the cost of verification alone with that of the whole pipeline.
    /// </summary>
    public Task<IResult> VerifyOnlyAsync(string tenantId, HttpContext context) => HandleAsync(tenantId, context, record: false);

    private async Task<IResult> HandleAsync(string tenantId, HttpContext context, bool record)
    {
        var started = Stopwatch.GetTimestamp();
        using var inFlight = gate.Enter();
        using var activity = Telemetry.Source.StartActivity("webhook ingest");
        var answer = await AnswerAsync(tenantId, context, activity, record);

        metrics.Record(answer.Tenant, answer.Type, answer.Result, answer.Reason, Stopwatch.GetElapsedTime(started));
        if (activity is not null)
        {
            activity.SetTag("wherebygrains.outcome", IngestMetrics.Outcome(answer.Result));
            if (answer.Reason is not null)
            {
                activity.SetTag("wherebygrains.reject_reason", answer.Reason);
            }
            if (answer.Result == IngestResult.Unavailable)
            {
                activity.SetStatus(ActivityStatusCode.Error, answer.Reason);
            }
        }
        return answer.Response;
    }

    private async Task<Answer> AnswerAsync(string tenantId, HttpContext context, Activity? activity, bool record)
    {
        var request = context.Request;
        if (!tenants.TryGet(tenantId, out var tenant))
        {
            return Reject(null, "unknown_tenant", StatusCodes.Status404NotFound, "Unknown tenant", "No tenant with this id is configured.");
        }
        activity?.SetTag(Telemetry.TenantTag, tenant.Id);
        if (!IsJson(request.ContentType))
        {
            return Reject(tenant.Id, "content_type", StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", "Whereby webhooks are sent as application/json.");
        }
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Unavailable(tenant.Id, null, "shutting_down", "The service is shutting down; retry shortly.");
        }

        WebhookBody? body;
        try
        {
            body = await WebhookBody.ReadAsync(request, WebhookBody.MaxBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            return Reject(tenant.Id, "unreadable_body", StatusCodes.Status400BadRequest, "Unreadable body", "The request body could not be read to its end.");
        }
        if (body is null)
        {
            return Reject(tenant.Id, "too_large", StatusCodes.Status413PayloadTooLarge, "Body too large", $"Webhook bodies are limited to {WebhookBody.MaxBytes} bytes.");
        }

        using (body)
        {
            var webhookOptions = options.CurrentValue.Webhooks;
            var check = WebhookSignature.Verify(
                request.Headers[WebhookSignature.HeaderName].ToString(),
                body.Span,
                tenant.WebhookSecrets.AsSpan(),
                clock.GetUtcNow(),
                webhookOptions.SignatureTolerance,
                out var signedAt);
            if (check != SignatureCheck.Valid)
            {
                LogRejectedSignature(tenant.Id, check);
                return Reject(tenant.Id, SignatureReason(check), StatusCodes.Status401Unauthorized, "Invalid signature", SignatureDetail(check));
            }

            var parsed = WebhookEventParser.Parse(body.Span, new EventTimeBounds(signedAt, webhookOptions.SignatureTolerance, webhookOptions.MaxEventAge));
            activity?.SetTag("whereby.event.id", parsed.Id);
            activity?.SetTag("whereby.event.type", parsed.Type);
            using var scope = LogScope(logger, tenant.Id, parsed.Id);
            if (parsed.Lenient != Lenient.LenientFields.None)
            {
                metrics.RecordLenient(tenant.Id, parsed.Lenient);
            }
            if (parsed.Error is { } error)
            {
                LogRejectedBody(tenant.Id, parsed.Id);
                return Reject(tenant.Id, "bad_body", StatusCodes.Status400BadRequest, "Not a Whereby event", error) with { Type = parsed.Type };
            }
            if (parsed.Event is not { } evt || !record)
            {
                LogIgnored(tenant.Id, parsed.Id, parsed.Type);
                return new Answer(Json(AcceptedBody), IngestResult.Ignored, tenant.Id, parsed.Type, null);
            }

            return await RecordAsync(tenant.Id, evt with { ReceivedAt = clock.GetUtcNow() }, webhookOptions.IngestTimeout, context.RequestAborted);
        }
    }

    private async Task<Answer> RecordAsync(string tenantId, WherebyEvent evt, TimeSpan timeout, CancellationToken aborted)
    {
        Ingested ingested;
        try
        {
            ingested = await ingest.IngestAsync(tenantId, evt, timeout, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return ClientGone(tenantId, evt);
        }
        catch (Exception e)
        {
            return NotRecorded(e, tenantId, evt);
        }
        if (ingested.RoomError is { } roomError)
        {
            // The type only: a silo that crashed makes every one of its rooms' webhooks take this path.
            LogSpooled(tenantId, evt.Id, evt.Type, roomError.GetType().Name);
            return new Answer(Json(AcceptedBody), IngestResult.Spooled, tenantId, evt.Type, roomError is TimeoutException ? "timeout" : "unreachable");
        }
        return Held(tenantId, evt, ingested.Outcome);
    }

    private Answer Held(string tenantId, WherebyEvent evt, IngestOutcome outcome)
    {
        outage.Succeeded();
        LogRecorded(tenantId, evt.Id, evt.Type, outcome);
        return outcome == IngestOutcome.Accepted
            ? new Answer(Json(AcceptedBody), IngestResult.Accepted, tenantId, evt.Type, null)
            : new Answer(Json(DuplicateBody), IngestResult.Duplicate, tenantId, evt.Type, null);
    }

    private Answer NotRecorded(Exception e, string tenantId, WherebyEvent evt)
    {
        var reason = e is TimeoutException ? "timeout" : "storage";
        // Not a line per webhook: while storage is away every one fails alike (see StorageOutageLog).
        LogNotRecorded(tenantId, evt.Id, evt.Type);
        outage.Failed(e, reason);
        return Unavailable(tenantId, evt.Type, reason, "The event could not be recorded durably right now; retry shortly.");
    }

    /// <summary>Whereby hung up (its 5 s are over): nobody reads this answer; its retry finds the event if it was kept.</summary>
    private static Answer ClientGone(string tenantId, WherebyEvent evt) =>
        Unavailable(tenantId, evt.Type, "client_gone", "The request was aborted before the event was recorded.");

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

    private static string SignatureReason(SignatureCheck check) => check switch
    {
        SignatureCheck.Missing => "signature_missing",
        SignatureCheck.Malformed => "signature_malformed",
        SignatureCheck.OutsideTolerance => "signature_outside_tolerance",
        _ => "signature_mismatch",
    };

    private static string SignatureDetail(SignatureCheck check) => check switch
    {
        SignatureCheck.Missing => $"The {WebhookSignature.HeaderName} header is missing.",
        SignatureCheck.Malformed => $"The {WebhookSignature.HeaderName} header needs exactly one t=<unix seconds> and at least one v1=<hex>.",
        SignatureCheck.OutsideTolerance => $"The {WebhookSignature.HeaderName} timestamp is outside the accepted tolerance.",
        _ => $"No v1 in {WebhookSignature.HeaderName} matches this tenant's secrets for this body.",
    };

    private static IResult Json(IngestResponse response) =>
        TypedResults.Json(response, WebhookJsonContext.Default.IngestResponse);

    private static Answer Reject(string? tenantId, string reason, int status, string title, string detail) =>
        new(TypedResults.Problem(detail: detail, statusCode: status, title: title), IngestResult.Rejected, tenantId, null, reason);

    private static Answer Unavailable(string tenantId, string? type, string reason, string detail) =>
        new(TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Temporarily unavailable"), IngestResult.Unavailable, tenantId, type, reason);

    /// <summary>What the front door answered and how to report it.</summary>
    private readonly record struct Answer(IResult Response, IngestResult Result, string? Tenant, string? Type, string? Reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook for tenant {TenantId} rejected: signature {Check}")]
    private partial void LogRejectedSignature(string tenantId, SignatureCheck check);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventId} for tenant {TenantId} rejected: not a Whereby event")]
    private partial void LogRejectedBody(string tenantId, string? eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {EventId} ({EventType}) for tenant {TenantId} acknowledged and ignored")]
    private partial void LogIgnored(string tenantId, string? eventId, string? eventType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {EventId} ({EventType}) for tenant {TenantId}: {Outcome}")]
    private partial void LogRecorded(string tenantId, string eventId, string eventType, IngestOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventId} ({EventType}) for tenant {TenantId}: its room did not take it in time ({ErrorType}); acknowledged from the journal, applied later")]
    private partial void LogSpooled(string tenantId, string eventId, string eventType, string errorType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {EventId} ({EventType}) for tenant {TenantId} could not be recorded; answered 503")]
    private partial void LogNotRecorded(string tenantId, string eventId, string eventType);

    /// <summary>Every log line below carries the tenant and the event id (JSON console shows scopes).</summary>
    private static readonly Func<ILogger, string, string?, IDisposable?> LogScope =
        LoggerMessage.DefineScope<string, string?>("Tenant {TenantId} event {EventId}");
}

using System.Diagnostics;
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
/// retries) whenever it could not; never 500, never 429. Every answer is counted, timed and
/// traced with the event's id and type, never with its content.
/// </summary>
public sealed partial class WebhookIngest(
    TenantDirectory tenants,
    IGrainFactory grains,
    TimeProvider clock,
    IOptionsMonitor<WherebyGrainsOptions> options,
    IHostApplicationLifetime lifetime,
    IngestMetrics metrics,
    IngestGate gate,
    IEnumerable<IEventSpool> spools,
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
                webhookOptions.SignatureTolerance);
            if (check != SignatureCheck.Valid)
            {
                LogRejectedSignature(tenant.Id, check);
                return Reject(tenant.Id, SignatureReason(check), StatusCodes.Status401Unauthorized, "Invalid signature", SignatureDetail(check));
            }

            var parsed = WebhookEventParser.Parse(body.Span);
            activity?.SetTag("whereby.event.id", parsed.Id);
            activity?.SetTag("whereby.event.type", parsed.Type);
            using var scope = LogScope(logger, tenant.Id, parsed.Id);
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
        var room = grains.GetGrain<IRoomGrain>(new RoomKey(tenantId, evt.RoomName).ToString());
        try
        {
            // Waiting stops at the timeout (or when Whereby hangs up); the write itself carries on,
            // so a retry of this event finds it recorded and answers "duplicate".
            var outcome = await room.RecordAsync(evt).WaitAsync(timeout, clock, aborted);
            LogRecorded(tenantId, evt.Id, evt.Type, outcome);
            return outcome == IngestOutcome.Accepted
                ? new Answer(Json(AcceptedBody), IngestResult.Accepted, tenantId, evt.Type, null)
                : new Answer(Json(DuplicateBody), IngestResult.Duplicate, tenantId, evt.Type, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            // Whereby retries only twice, within seconds: rather than lean on that, keep the event
            // durably aside and acknowledge it; the drainer applies it once its room is reachable.
            if (_spool is { } spool)
            {
                try
                {
                    await spool.SpoolAsync(tenantId, evt, aborted);
                    LogSpooled(e, tenantId, evt.Id, evt.Type);
                    return new Answer(Json(AcceptedBody), IngestResult.Spooled, tenantId, evt.Type, e is TimeoutException ? "timeout" : "unreachable");
                }
                catch (Exception spoolError)
                {
                    LogNotSpooled(spoolError, tenantId, evt.Id);
                }
            }
            LogNotRecorded(e, tenantId, evt.Id, evt.Type);
            var reason = e is TimeoutException ? "timeout" : "storage";
            return Unavailable(tenantId, evt.Type, reason, "The event could not be recorded durably right now; retry shortly.");
        }
        catch (OperationCanceledException)
        {
            // Whereby hung up (its 5 s are over): nobody reads this answer, and its retry finds the
            // event recorded if the write went through.
            return Unavailable(tenantId, evt.Type, "client_gone", "The request was aborted before the event was recorded.");
        }
    }

    private readonly IEventSpool? _spool = spools.FirstOrDefault();

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} ({EventType}) for tenant {TenantId}: its room did not record it in time; spooled and acknowledged")]
    private partial void LogSpooled(Exception exception, string tenantId, string eventId, string eventType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {EventId} for tenant {TenantId} could not be spooled either")]
    private partial void LogNotSpooled(Exception exception, string tenantId, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} ({EventType}) for tenant {TenantId} could not be recorded; answered 503")]
    private partial void LogNotRecorded(Exception exception, string tenantId, string eventId, string eventType);

    /// <summary>Every log line below carries the tenant and the event id (JSON console shows scopes).</summary>
    private static readonly Func<ILogger, string, string?, IDisposable?> LogScope =
        LoggerMessage.DefineScope<string, string?>("Tenant {TenantId} event {EventId}");
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WherebyGrains.Contracts;

namespace WherebyGrains.ServiceDefaults;

/// <summary>
/// OpenTelemetry for a host: WherebyGrains' own meter and spans, Orleans', ASP.NET Core's and the
/// runtime's; Prometheus scraping at <c>/metrics</c> always; OTLP (metrics, traces and logs) when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Spans are recorded only when something receives
/// them (an exporter, or <see cref="SamplerKey"/> set explicitly).
/// </summary>
public static class TelemetrySetup
{
    /// <summary>Orleans' meter.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// OpenTelemetry's standard sampler setting (e.g. <c>parentbased_traceidratio</c> with
    /// <c>OTEL_TRACES_SAMPLER_ARG=0.01</c> at high volume); by default every trace is sampled when
    /// exported and none when not.
    /// </summary>
    public const string SamplerKey = "OTEL_TRACES_SAMPLER";

    /// <summary>Adds telemetry to <paramref name="builder"/>.</summary>
    public static WebApplicationBuilder AddWherebyGrainsTelemetry(this WebApplicationBuilder builder)
    {
        // The Azure SDK traces storage calls only when asked to.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);

        // ASP.NET Core logs each request's URL with its query string at Information; the query API
        // takes externalIds in the query. Requests are traced (query values redacted) instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("wherebygrains", serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                // System.Net.Http: the silo's outgoing requests are storage requests (rate, latency, errors).
                .AddMeter(Telemetry.Name, OrleansMeter, "System.Net.Http")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(Telemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Azure.*")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/health")));

        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!exporting && string.IsNullOrWhiteSpace(builder.Configuration[SamplerKey]))
        {
            // Nothing would receive the spans: recording one for every webhook, grain call and
            // storage request would only cost CPU. OTEL_TRACES_SAMPLER (the SDK reads it) says otherwise.
            otel.WithTracing(tracing => tracing.SetSampler(new AlwaysOffSampler()));
        }
        if (exporting)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
            otel.UseOtlpExporter();
        }
        return builder;
    }
}

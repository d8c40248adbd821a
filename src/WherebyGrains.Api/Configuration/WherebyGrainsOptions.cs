using WherebyGrains.Contracts;
using WherebyGrains.Attendance;

namespace WherebyGrains.Api.Configuration;

/// <summary>The <c>WherebyGrains</c> configuration section (see api.md, "Configuration").</summary>
public sealed class WherebyGrainsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "WherebyGrains";

    /// <summary>Tenants by id (1–64 chars of <c>[a-z0-9-]</c>).</summary>
    public Dictionary<string, TenantOptions> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Webhook ingest settings.</summary>
    public WebhookOptions Webhooks { get; set; } = new();

    /// <summary>Session settings.</summary>
    public SessionsOptions Sessions { get; set; } = new();

    /// <summary>Signed metadata settings.</summary>
    public MetadataOptions Metadata { get; set; } = new();

    /// <summary>Privacy settings.</summary>
    public PrivacyOptions Privacy { get; set; } = new();

    /// <summary>Query API settings.</summary>
    public QueryOptions Query { get; set; } = new();
}

/// <summary>The <c>WherebyGrains:Query</c> section.</summary>
public sealed class QueryOptions
{
    /// <summary>Sustained requests per second allowed per tenant (all its keys together).</summary>
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>
    /// Requests a tenant may make at once above the sustained rate: enough that an app syncing one
    /// 500-person class at full speed (its participants, 100 a page, then each person's attendance)
    /// never meets a 429.
    /// </summary>
    public int Burst { get; set; } = 1000;

    /// <summary>Sustained failed authentications (no or an unknown key) per second from one client address.</summary>
    public int FailedAuthPerAddressPermitsPerSecond { get; set; } = 2;

    /// <summary>Failed authentications one client address may make at once.</summary>
    public int FailedAuthPerAddressBurst { get; set; } = 20;

    /// <summary>Sustained failed authentications per second from all addresses together.</summary>
    public int FailedAuthPermitsPerSecond { get; set; } = 50;

    /// <summary>Failed authentications all addresses together may make at once.</summary>
    public int FailedAuthBurst { get; set; } = 200;
}

/// <summary>The <c>WherebyGrains:Metadata</c> section.</summary>
public sealed class MetadataOptions
{
    /// <summary>How old a signed metadata timestamp may be.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>The <c>WherebyGrains:Privacy</c> section.</summary>
public sealed class PrivacyOptions
{
    /// <summary>The built-in secret, for local runs only.</summary>
    public const string DevelopmentPersonKeySecret = "wherebygrains-development-person-key";

    /// <summary>
    /// The secret of the keyed hash that turns person keys (externalIds) into grain keys. Set it
    /// once per deployment: changing it orphans every person's history.
    /// </summary>
    public string PersonKeySecret { get; set; } = DevelopmentPersonKeySecret;
}

/// <summary>One tenant's secrets and keys.</summary>
public sealed class TenantOptions
{
    /// <summary>Secrets that may sign this tenant's webhooks; two during a rotation.</summary>
    public List<string> WebhookSecrets { get; set; } = [];

    /// <summary>Bearer keys for this tenant's query API.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Keys with which the tenant's app signs the <c>metadata</c> URL parameter.</summary>
    public List<string> MetadataKeys { get; set; } = [];

    /// <summary>The tenant's attendance policy (<c>Attendance:PresentRatio</c> / <c>PresentSeconds</c>); none by default.</summary>
    public AttendancePolicyOptions Attendance { get; set; } = new();

    /// <summary>
    /// What names a person (rule 4): <c>ExternalId</c> (the default), or <c>SignedMetadata</c> for
    /// a tenant that signs metadata and does not want an <c>externalId</c>, which anyone can type
    /// into a room URL, to count as an identity. Text, not the enum: the configuration binder drops
    /// a dictionary entry whose value does not convert, so a typo would silently remove the whole
    /// tenant; as text it binds, and <see cref="WherebyGrainsOptionsValidator"/> refuses it at start.
    /// </summary>
    public string? Identity { get; set; }

    /// <summary><see cref="Identity"/> as the rules take it; false for a value that names no choice.</summary>
    public bool TryGetIdentity(out PersonIdentity identity)
    {
        identity = PersonIdentity.ExternalId;
        if (string.IsNullOrEmpty(Identity))
        {
            return true;
        }
        // By name only (any case): Enum.TryParse would also take "7", which names nothing.
        var name = Enum.GetNames<PersonIdentity>().FirstOrDefault(n => string.Equals(n, Identity.Trim(), StringComparison.OrdinalIgnoreCase));
        return name is not null && Enum.TryParse(name, out identity);
    }
}

/// <summary>The <c>WherebyGrains:Webhooks</c> section.</summary>
public sealed class WebhookOptions
{
    /// <summary>Allowed |now − t| for <c>Whereby-Signature</c>, both directions.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long ingest waits for the owning grain to make an event durable before answering 503.
    /// Whereby gives up after 5 seconds, so this stays well below that.
    /// </summary>
    public TimeSpan IngestTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How much older than its signature an event's <c>createdAt</c> may be (older is a 400).</summary>
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>A tenant's <c>Attendance</c> section: who counts as present in a session.</summary>
public sealed class AttendancePolicyOptions
{
    /// <summary>The attended share of a session (above 0, at most 1) that makes a person present.</summary>
    public double? PresentRatio { get; set; }

    /// <summary>The attended seconds (above 0) that make a person present.</summary>
    public double? PresentSeconds { get; set; }

    /// <summary>The policy the rules take; null when neither is set.</summary>
    public AttendancePolicy? Policy => PresentRatio is null && PresentSeconds is null ? null : new AttendancePolicy(PresentRatio, PresentSeconds);
}

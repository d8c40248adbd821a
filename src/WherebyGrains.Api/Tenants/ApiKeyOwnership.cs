using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;

namespace WherebyGrains.Api.Tenants;

/// <summary>
/// Every API key names exactly one tenant: a key configured for two would read whichever tenant
/// the lookup met first. Checked when the host starts (it does not start), and on each
/// configuration reload (the directory keeps its previous tenants).
/// </summary>
public static class ApiKeyOwnership
{
    /// <summary>Why <paramref name="options"/> cannot be used (the tenants sharing a key, never the key), or null.</summary>
    public static string? Conflict(WherebyGrainsOptions options)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tenantId, tenant) in options.Tenants.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            foreach (var key in tenant.ApiKeys.Where(k => !string.IsNullOrEmpty(k)))
            {
                if (owners.TryGetValue(key, out var owner) && owner != tenantId)
                {
                    return $"An API key of tenant '{tenantId}' is also configured for tenant '{owner}' (WherebyGrains:Tenants:<id>:ApiKeys): a key must name exactly one tenant. Give each tenant keys of its own.";
                }
                owners[key] = tenantId;
            }
        }
        return null;
    }

    /// <summary>A separate options type, so that its check runs at start without re-running (and throwing) on every reload.</summary>
    public sealed class StartupCheck
    {
        /// <summary>The configuration as bound at start.</summary>
        public WherebyGrainsOptions Options { get; } = new();
    }

    /// <summary>Fails the start when a key names two tenants.</summary>
    public sealed class Validator : IValidateOptions<StartupCheck>
    {
        /// <inheritdoc />
        public ValidateOptionsResult Validate(string? name, StartupCheck options) =>
            Conflict(options.Options) is { } conflict ? ValidateOptionsResult.Fail(conflict) : ValidateOptionsResult.Success;
    }
}

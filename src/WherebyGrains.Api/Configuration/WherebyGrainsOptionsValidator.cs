using Microsoft.Extensions.Options;
using WherebyGrains.Attendance;

namespace WherebyGrains.Api.Configuration;

/// <summary>
/// Checks the <c>WherebyGrains</c> settings that would otherwise give wrong numbers quietly; run
/// at start (<c>ValidateOnStart</c>), so that a host with such a setting does not start. A value
/// that does not bind at all (an <c>Identity</c> that names no choice, a TimeSpan that is not one)
/// stops the start the same way, with the configuration binder's message naming the key.
/// </summary>
public sealed class WherebyGrainsOptionsValidator : IValidateOptions<WherebyGrainsOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WherebyGrainsOptions options)
    {
        var failures = new List<string>();
        foreach (var (id, tenant) in options.Tenants)
        {
            // A number binds to an enum whatever its value: "2" would name no identity at all.
            if (!Enum.IsDefined(tenant.Identity))
            {
                failures.Add($"{WherebyGrainsOptions.Section}:Tenants:{id}:Identity is '{tenant.Identity}': expected {string.Join(" or ", Enum.GetNames<PersonIdentity>())}.");
            }
        }
        if (options.Sessions.AbandonAfter <= TimeSpan.Zero)
        {
            failures.Add($"{WherebyGrainsOptions.Section}:Sessions:AbandonAfter is {options.Sessions.AbandonAfter}: it must be positive (default 12:00:00).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

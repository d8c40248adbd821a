using Microsoft.Extensions.Options;
using WherebyGrains.Attendance;

namespace WherebyGrains.Api.Configuration;

/// <summary>
/// Checks the <c>WherebyGrains</c> settings that would otherwise give wrong numbers quietly; run
/// at start (<c>ValidateOnStart</c>), so that a host with such a setting does not start, with a
/// message that names the key and what it may be.
/// </summary>
public sealed class WherebyGrainsOptionsValidator : IValidateOptions<WherebyGrainsOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WherebyGrainsOptions options)
    {
        var failures = new List<string>();
        foreach (var (id, tenant) in options.Tenants)
        {
            if (!tenant.TryGetIdentity(out _))
            {
                failures.Add($"{WherebyGrainsOptions.Section}:Tenants:{id}:Identity is '{tenant.Identity}': expected {string.Join(" or ", Enum.GetNames<PersonIdentity>())}.");
            }
            if (tenant.Attendance.PresentRatio is { } ratio && !(ratio > 0 && ratio <= 1))
            {
                failures.Add($"{WherebyGrainsOptions.Section}:Tenants:{id}:Attendance:PresentRatio is {ratio}: it must be above 0 and at most 1 (a share of the session).");
            }
            if (tenant.Attendance.PresentSeconds is { } seconds && !(seconds > 0 && double.IsFinite(seconds)))
            {
                failures.Add($"{WherebyGrainsOptions.Section}:Tenants:{id}:Attendance:PresentSeconds is {seconds}: it must be a positive number of seconds.");
            }
        }
        if (options.Sessions.AbandonAfter <= TimeSpan.Zero)
        {
            failures.Add($"{WherebyGrainsOptions.Section}:Sessions:AbandonAfter is {options.Sessions.AbandonAfter}: it must be positive (default 12:00:00).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

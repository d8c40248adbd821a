using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;
using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Tenants;

/// <summary>What every host needs to know its tenants: options, the directory, person keys, problem details.</summary>
public static class TenantRegistration
{
    /// <summary>Adds the <c>WherebyGrains</c> options, the tenant directory and person keys.</summary>
    public static IServiceCollection AddWherebyGrainsTenants(this IServiceCollection services)
    {
        services.AddOptions<WherebyGrainsOptions>().BindConfiguration(WherebyGrainsOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WherebyGrainsOptions>, WherebyGrainsOptionsValidator>());
        services.AddOptions<ApiKeyOwnership.StartupCheck>()
            .Configure<IConfiguration>((check, configuration) => configuration.GetSection(WherebyGrainsOptions.Section).Bind(check.Options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiKeyOwnership.StartupCheck>, ApiKeyOwnership.Validator>());
        services.TryAddSingleton<TenantDirectory>();
        services.TryAddSingleton(sp => new PersonKeys(sp.GetRequiredService<IOptions<WherebyGrainsOptions>>().Value.Privacy.PersonKeySecret));
        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        return services;
    }
}

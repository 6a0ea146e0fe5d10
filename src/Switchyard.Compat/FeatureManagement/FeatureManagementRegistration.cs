using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;

namespace Switchyard.Compat.FeatureManagement;

/// <summary>Wiring for apps that use Microsoft.FeatureManagement through dependency injection.</summary>
public static class FeatureManagementRegistration
{
    /// <summary>
    /// Registers the Switchyard definition provider and rollout filter. Call before <c>AddFeatureManagement()</c> (which
    /// only adds its configuration provider when none is registered), and register an <see cref="Flags.ICompatFlags"/>
    /// (the started <see cref="Flags.FlagClient"/>).
    /// </summary>
    public static IServiceCollection AddSwitchyardFeatureDefinitions(this IServiceCollection services)
    {
        services.AddSingleton<IFeatureDefinitionProvider, SwitchyardFeatureDefinitionProvider>();
        return services;
    }

    /// <summary>Adds the rollout filter that evaluates <c>ReadNew</c> at N% per <see cref="RolloutContext"/>.</summary>
    public static IFeatureManagementBuilder AddSwitchyardRollout(this IFeatureManagementBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddFeatureFilter<SwitchyardRolloutFilter>();
    }
}

using Microsoft.FeatureManagement;
using Switchyard.Compat.Flags;
using Switchyard.Compat.Reads;

namespace Switchyard.Compat.FeatureManagement;

/// <summary>
/// Evaluates <c>Switchyard.&lt;flag&gt;.ReadNew</c> under read_mode new at N%: with a <see cref="RolloutContext"/>, the
/// same sticky bucket <see cref="CompatReader"/> routes by. Evaluated without a context, a partial rollout is off
/// (FeatureManagement does not call a contextual filter without its context): no per-request coin flips.
/// </summary>
[FilterAlias(Alias)]
public sealed class SwitchyardRolloutFilter : IContextualFeatureFilter<RolloutContext>
{
    public const string Alias = "Switchyard.Rollout";

    private readonly ICompatFlags _flags;

    public SwitchyardRolloutFilter(ICompatFlags flags) => _flags = flags ?? throw new ArgumentNullException(nameof(flags));

    public Task<bool> EvaluateAsync(FeatureFilterEvaluationContext context, RolloutContext appContext)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(appContext);
        if (!SwitchyardFeatures.TryParse(context.FeatureName, out var flagKey, out _)) return Task.FromResult(false);
        return Task.FromResult(ReadRouting.Route(_flags.Current(flagKey), appContext.RoutingKey) == ReadPath.New);
    }
}

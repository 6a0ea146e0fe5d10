using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.FeatureManagement;
using Switchyard.Compat.Flags;

namespace Switchyard.Compat.FeatureManagement;

/// <summary>
/// Shows the Switchyard flags to Microsoft.FeatureManagement as features (see <see cref="SwitchyardFeatures"/>),
/// computed from the live <see cref="ICompatFlags"/> cache on every evaluation, so a flip is visible as soon as the
/// flag client has it. Names that are not ours resolve to null, so it can sit behind a composite provider.
/// </summary>
public sealed class SwitchyardFeatureDefinitionProvider : IFeatureDefinitionProvider
{
    private static readonly IConfiguration NoParameters = new ConfigurationBuilder().Build();
    private readonly ICompatFlags _flags;

    public SwitchyardFeatureDefinitionProvider(ICompatFlags flags) => _flags = flags ?? throw new ArgumentNullException(nameof(flags));

    public Task<FeatureDefinition?> GetFeatureDefinitionAsync(string featureName) =>
        Task.FromResult(SwitchyardFeatures.TryParse(featureName, out var flagKey, out var aspect) ? Define(_flags.Current(flagKey), aspect) : null);

    public async IAsyncEnumerable<FeatureDefinition> GetAllFeatureDefinitionsAsync()
    {
        foreach (var flag in _flags.All)
        {
            foreach (var aspect in SwitchyardFeatures.Aspects)
                yield return Define(flag, aspect);
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static FeatureDefinition Define(CompatFlag flag, string aspect)
    {
        var on = aspect switch
        {
            SwitchyardFeatures.ReadShadow => flag.ReadMode == ReadMode.Shadow,
            SwitchyardFeatures.WriteNew => flag.WriteMode is WriteMode.Both or WriteMode.New,
            SwitchyardFeatures.WriteLegacy => flag.WriteMode is WriteMode.Legacy or WriteMode.Both,
            _ => false,
        };
        string? filter = on ? "AlwaysOn" : null;
        if (aspect == SwitchyardFeatures.ReadNew)
        {
            filter = flag.ReadMode switch
            {
                ReadMode.NewOnly => "AlwaysOn",
                ReadMode.New when flag.ReadPercent >= 100 => "AlwaysOn",
                ReadMode.New when flag.ReadPercent > 0 => SwitchyardRolloutFilter.Alias,
                _ => null,
            };
        }
        return new FeatureDefinition
        {
            Name = SwitchyardFeatures.Name(flag.FlagKey, aspect),
            EnabledFor = filter is null ? [] : [new FeatureFilterConfiguration { Name = filter, Parameters = NoParameters }],
        };
    }
}

using Switchyard.Core.Guards;

namespace Switchyard.Core.Spec;

/// <summary>A spec's guard settings: rules by signal over <see cref="GuardRules.Defaults"/>, and the long-transaction age.</summary>
public sealed record SpecGuards(IReadOnlyDictionary<string, GuardRule> Rules, TimeSpan? LongTransactionAfter)
{
    public static readonly SpecGuards None = new(new Dictionary<string, GuardRule>(), null);

    /// <summary>The guard options a run starts from: the defaults with this spec's settings on top.</summary>
    public GuardOptions ApplyTo(GuardOptions options)
    {
        var rules = new Dictionary<string, GuardRule>(options.Rules);
        foreach (var (signal, rule) in Rules) rules[signal] = rule;
        return options with { Rules = rules, LongTransactionAfter = LongTransactionAfter ?? options.LongTransactionAfter };
    }
}

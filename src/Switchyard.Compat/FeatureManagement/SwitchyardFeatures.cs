namespace Switchyard.Compat.FeatureManagement;

/// <summary>
/// The feature names the Switchyard flags appear under in Microsoft.FeatureManagement:
/// <c>Switchyard.&lt;flag_key&gt;.&lt;aspect&gt;</c>, e.g. <c>Switchyard.public.transactions.status.ReadNew</c>.
/// </summary>
public static class SwitchyardFeatures
{
    public const string Prefix = "Switchyard.";

    /// <summary>Reads use the new shape (new_only; or new at N%, evaluated per <see cref="RolloutContext"/> key).</summary>
    public const string ReadNew = "ReadNew";

    /// <summary>Reads run in shadow: legacy returned, new compared.</summary>
    public const string ReadShadow = "ReadShadow";

    /// <summary>Writes set the new column (write_mode both or new).</summary>
    public const string WriteNew = "WriteNew";

    /// <summary>Writes set the legacy column (write_mode legacy or both).</summary>
    public const string WriteLegacy = "WriteLegacy";

    public static readonly IReadOnlyList<string> Aspects = [ReadNew, ReadShadow, WriteNew, WriteLegacy];

    public static string Name(string flagKey, string aspect) => $"{Prefix}{flagKey}.{aspect}";

    /// <summary>Splits a feature name into (flag key, aspect); false for names that are not ours.</summary>
    public static bool TryParse(string featureName, out string flagKey, out string aspect)
    {
        flagKey = aspect = "";
        if (featureName is null || !featureName.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var dot = featureName.LastIndexOf('.');
        if (dot <= Prefix.Length) return false;
        aspect = featureName[(dot + 1)..];
        if (!Aspects.Contains(aspect, StringComparer.Ordinal)) return false;
        flagKey = featureName[Prefix.Length..dot];
        return true;
    }
}

using Switchyard.Core.Spec;

namespace Switchyard.Core.Chains;

/// <summary>One file of a chain: where it is and the spec it holds.</summary>
public sealed record ChainFile(string Path, MigrationSpec Spec)
{
    public string FileName => System.IO.Path.GetFileName(Path);
}

/// <summary>
/// A directory of migration specs applied in file-name order (ordinal, so <c>001-…</c>, <c>002-…</c> sort as
/// written). Every file must load; two files may not name the same migration.
/// </summary>
public static class MigrationChain
{
    private static readonly string[] SpecExtensions = [".yaml", ".yml", ".json"];

    public static IReadOnlyList<ChainFile> Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new SwitchyardException($"{directory}: no such directory.", "Pass the folder that holds the migration specs.");
        var paths = Directory.EnumerateFiles(directory)
            .Where(p => SpecExtensions.Contains(Path.GetExtension(p), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
        if (paths.Count == 0)
            throw new SwitchyardException($"{directory}: no migration specs (*.yaml, *.yml, *.json) in it.", "Put one spec per migration in the folder, named so they sort in order (001-…, 002-…).");
        var files = paths.Select(p => new ChainFile(p, SpecLoader.LoadFile(p))).ToList();
        var duplicate = files.GroupBy(f => f.Spec.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new SwitchyardException($"{directory}: migration '{duplicate.Key}' is named by {string.Join(" and ", duplicate.Select(f => f.FileName))}.",
                "Give each migration its own `migration:` name.");
        return files;
    }
}

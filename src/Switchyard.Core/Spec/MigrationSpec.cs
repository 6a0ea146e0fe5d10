using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Core.Spec;

/// <summary>A declarative migration: a name and its operations, loaded from YAML or built in C#.</summary>
/// <param name="Name">Unique migration name; also what <c>--confirm</c> must repeat before Contract.</param>
/// <param name="Operations">Operations in the order written.</param>
/// <param name="SourceText">The YAML text (or a canonical description when built in code), for the checksum.</param>
/// <param name="SourcePath">The file it came from, if any.</param>
public sealed record MigrationSpec(string Name, IReadOnlyList<SpecOperation> Operations, string SourceText, string? SourcePath = null)
{
    public SpecLocation NameLocation { get; init; } = SpecLocation.InCode;

    /// <summary>The spec's <c>guards:</c> section: thresholds the backfill and cutover guards use instead of the defaults.</summary>
    public SpecGuards Guards { get; init; } = SpecGuards.None;

    /// <summary>
    /// The schemas of views through which old and new application versions run during the migration (pgroll format
    /// only); null for Switchyard's own specs, which roll out through the Compat library's flags instead.
    /// </summary>
    public Operations.VersionSchemas.VersionSchemaNames? VersionSchemas { get; init; }

    /// <summary>
    /// The spec's <c>validation:</c> section: the time, amount and balance columns, balances, child tables and report
    /// columns the checks use. Null when the spec has none: the checks then use the column names of
    /// <see cref="Validation.ReconciliationSettings"/>'s defaults and skip what the table does not have.
    /// </summary>
    public Validation.ReconciliationSettings? Validation { get; init; }

    /// <summary>The <c>validation.thresholds</c>: failures a check may report and still pass; a check not named allows none.</summary>
    public IReadOnlyDictionary<string, long> ValidationThresholds { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// The text the checksum covers: the spec without its <c>guards:</c> section, so an operator may tune a threshold
    /// between runs while any change to what the migration does is still refused.
    /// </summary>
    public string? IdentityText { get; init; }

    /// <summary>sha256 of the spec text: the journal refuses to continue a migration whose spec changed.</summary>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(IdentityText ?? SourceText)));

    /// <summary>Builds a spec in C#; the checksum covers the operations' printed form.</summary>
    public static MigrationSpec Build(string name, params SpecOperation[] operations) =>
        new(name, operations, name + "\n" + string.Join("\n", operations.Select(o => o.ToString())));
}

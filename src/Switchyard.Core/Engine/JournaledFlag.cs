using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Engine;

/// <summary>
/// The flag a journaled migration registered. The journal's <c>flag_key</c> (typed from the plan) says it; a journal
/// row without one (written before that column, or a migration with no flag) is answered by the spec the journal
/// names, when that file is still here unchanged. Nothing is recovered from a step's wording or SQL: when neither
/// can tell, the key is unknown and says why.
/// </summary>
/// <param name="Key">The flag key; null when the migration has no flag or when it cannot be known.</param>
/// <param name="Unknown">Why the key cannot be known; null when <see cref="Key"/> is the answer.</param>
public sealed record JournaledFlag(string? Key, string? Unknown)
{
    public static JournaledFlag Of(MigrationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.FlagKey is { } key) return new(key, null);
        const string NoKey = "the journal has no flag_key for it (written before that column, or no flag)";
        if (record.SpecPath is not { } path || !File.Exists(path))
            return new(null, $"{NoKey} and its spec {record.SpecPath ?? "(no path journaled)"} is not here to recompute it");
        MigrationSpec spec;
        try
        {
            spec = SpecLoader.LoadFile(path);
        }
        catch (SpecException e)
        {
            return new(null, $"{NoKey} and its spec {path} no longer loads ({e.Message})");
        }
        return spec.Checksum == record.SpecChecksum
            ? new(MigrationPlanner.FlagKey(spec), null)
            : new(null, $"{NoKey} and its spec {path} changed since the migration started");
    }
}

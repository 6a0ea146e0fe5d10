using Switchyard.Core;
using Switchyard.Core.Execution;
using Switchyard.Core.Spec;

namespace Switchyard.Cli.Commands;

/// <summary>The spec a command acts on when no <c>--spec</c> is given: the newest journaled migration's, if its file is here.</summary>
internal static class JournaledSpec
{
    /// <summary>
    /// The path of the newest journaled migration's spec that exists here and <paramref name="fits"/>; otherwise a one-line
    /// error (exit 2) asking for <c>--spec</c>.
    /// </summary>
    /// <param name="command">The command, for the error (e.g. <c>validate</c>).</param>
    /// <param name="needs">What the spec must have, for the error (e.g. <c>with a normalize_column</c>).</param>
    public static async Task<string> NewestAsync(SafeSqlRunner sql, string database, string command, string needs, Func<MigrationSpec, bool> fits, CancellationToken ct)
    {
        var journaled = await sql.ScalarAsync<bool>("SELECT to_regclass('switchyard.migrations') IS NOT NULL", ct).ConfigureAwait(false)
            ? await sql.QueryAsync("SELECT spec_path FROM switchyard.migrations WHERE spec_path IS NOT NULL ORDER BY updated_at DESC, id DESC", r => r.GetString(0), ct).ConfigureAwait(false)
            : [];
        foreach (var path in journaled.Where(File.Exists))
        {
            if (fits(SpecLoader.LoadFile(path))) return path;
        }
        throw new SwitchyardException($"{command} needs a migration spec: none was given and the journal of {database} names no spec file {needs} that exists here.",
            "Pass --spec FILE, e.g. --spec migrations/001-normalize-status.yaml.");
    }
}

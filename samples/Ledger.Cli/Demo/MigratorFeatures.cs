using System.Globalization;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// What the demo's migrator build offers, read once from its <c>apply --help</c>: the demo can be pointed at an older
/// <c>switchyard</c> (<c>--migrator</c>), and passes only the options that build knows.
/// </summary>
internal sealed class MigratorFeatures(string applyHelp)
{
    public static async Task<MigratorFeatures> ReadAsync(string migratorPath, CancellationToken ct)
    {
        using var help = MigratorProcess.Start(migratorPath, ["apply", "--help"]);
        await help.WaitAsync(ct).ConfigureAwait(false);
        return new MigratorFeatures(help.Output);
    }

    private bool Offers(string option) => applyHelp.Contains(option, StringComparison.Ordinal);

    /// <summary>The guards watch the standby's replay through a heartbeat when apply is told where it is.</summary>
    public IReadOnlyList<string> Standby(string name, string connection) => Offers("--standby") ? ["--standby", $"{name}={connection}"] : [];

    /// <summary>The backfill's rows/s limit when this build offers one, sized so the backfill lasts about <paramref name="time"/>.</summary>
    public IReadOnlyList<string> BackfillRate(long rows, TimeSpan time)
    {
        var perSecond = Math.Max(100, (long)(rows / time.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (Offers("--max-rows-per-second")) return ["--max-rows-per-second", perSecond];
        if (Offers("--rows-per-second")) return ["--rows-per-second", perSecond];
        // No rate limit in this build: smaller batches stretch the backfill (and each is one short transaction).
        return Offers("--batch-size") ? ["--batch-size", "500"] : [];
    }

    /// <summary>
    /// The validation gates' scans (Validate's and Contract's) and the index builds in one process each: the demo's
    /// primary shares its 2 cores with its standby, the payments apps and the migrator, and a parallel build or scan
    /// took both of them from the payments.
    /// </summary>
    public IReadOnlyList<string> SingleProcessStatements => Offers("--parallel-workers") ? ["--parallel-workers", "0"] : [];
}

using Npgsql;
using Switchyard.Core.Runners;

namespace Switchyard.Core.Backfill;

/// <summary>One backfill process per migration: the backfill's <see cref="RunnerLease"/>.</summary>
internal static class RunGuard
{
    public static Task<RunnerLease> AcquireAsync(NpgsqlDataSource dataSource, string migration, string table, CancellationToken ct) =>
        RunnerLease.AcquireAsync(dataSource, "switchyard.backfill:" + migration, migration, table, $"the backfill of '{migration}'", holder => new SwitchyardException(
            $"Another Switchyard process is already backfilling migration '{migration}': {holder}.",
            "Wait for it to finish (`switchyard status` shows its heartbeat); if that process is gone its heartbeat stops and a re-run takes over within seconds: the backfill resumes from its cursors."),
            null, ct);
}

using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Backfill;

/// <summary>One backfill process per migration: the backfill's <see cref="SessionAdvisoryLock"/>.</summary>
internal static class RunGuard
{
    public static Task<SessionAdvisoryLock> AcquireAsync(NpgsqlDataSource dataSource, string migration, CancellationToken ct) =>
        SessionAdvisoryLock.AcquireAsync(dataSource, "switchyard.backfill:" + migration, holder => new SwitchyardException(
            $"Another Switchyard process is already backfilling migration '{migration}': {holder}.",
            "Wait for it to finish (`switchyard status`), or if that process is gone for good end its session with SELECT pg_terminate_backend(<pid>), then re-run: the backfill resumes from its cursors."), ct);
}

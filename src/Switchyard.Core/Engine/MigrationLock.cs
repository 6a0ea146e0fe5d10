using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Engine;

/// <summary>One runner per target table: the engine's <see cref="SessionAdvisoryLock"/>.</summary>
public static class MigrationLock
{
    public static Task<SessionAdvisoryLock> AcquireAsync(NpgsqlDataSource dataSource, QualifiedName table, CancellationToken ct) =>
        SessionAdvisoryLock.AcquireAsync(dataSource, "switchyard:" + table, holder => new SwitchyardException(
            $"Another Switchyard run is migrating {table}: {holder}.",
            "Wait for it to finish (`switchyard status`), or if that process is gone for good end its session with SELECT pg_terminate_backend(<pid>), then re-run: work continues from the journal."), ct);
}

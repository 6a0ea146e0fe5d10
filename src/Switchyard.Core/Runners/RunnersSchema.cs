using Switchyard.Core.Execution;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Runners;

/// <summary>
/// <c>switchyard.runners</c>: one row per runner lock (a table's migration runner, a migration's backfill) naming the
/// process that holds it and when it last proved it is alive. An advisory lock dies with its session; this row does not.
/// </summary>
public static class RunnersSchema
{
    private const string Table = """
        CREATE TABLE IF NOT EXISTS switchyard.runners (
            lock_name          text PRIMARY KEY,
            run_id             uuid NOT NULL,
            migration          text,
            table_name         text NOT NULL,
            host               text NOT NULL,
            os_pid             int NOT NULL,
            process_started_at timestamptz NOT NULL,
            backend_pid        int NOT NULL,
            started_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
            last_beat          timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """;

    public static async Task EnsureAsync(SafeSqlRunner sql, CancellationToken ct)
    {
        await JournalSchema.EnsureAsync(sql, ct).ConfigureAwait(false);
        await sql.ExecuteDdlAsync(new DdlStatement(Table, []), ct).ConfigureAwait(false);
    }
}

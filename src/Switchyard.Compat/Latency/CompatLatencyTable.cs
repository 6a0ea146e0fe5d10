using Npgsql;

namespace Switchyard.Compat.Latency;

/// <summary>
/// <c>switchyard.compat_latency</c>: one row per app instance per publishing interval with the latencies (µs) its
/// operations took in that interval. The backfill's latency-SLO controller takes the p99 over every instance's rows
/// fresher than a window: the latency the application itself sees, lock waits and queueing included.
/// </summary>
public static class CompatLatencyTable
{
    public const string CreateSql = """
        CREATE TABLE IF NOT EXISTS switchyard.compat_latency (
            instance_id  text        NOT NULL,
            published_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            operations   bigint      NOT NULL,
            samples_us   integer[]   NOT NULL
        )
        """;

    public const string IndexSql = "CREATE INDEX IF NOT EXISTS compat_latency_published_at ON switchyard.compat_latency (published_at)";

    /// <summary>One interval of one instance: $1 instance, $2 operations in the interval, $3 their latencies (a sample when capped).</summary>
    public const string InsertSql = "INSERT INTO switchyard.compat_latency (instance_id, operations, samples_us) VALUES ($1, $2, $3)";

    /// <summary>Drops rows older than $1 seconds: the controller reads seconds, not history.</summary>
    public const string PruneSql = "DELETE FROM switchyard.compat_latency WHERE published_at < clock_timestamp() - make_interval(secs => $1)";

    /// <summary>Creates the schema, table and index when missing.</summary>
    public static Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken ct) => CompatSchema.EnsureAsync(dataSource, [CreateSql, IndexSql], ct);
}

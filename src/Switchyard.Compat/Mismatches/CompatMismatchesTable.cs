using Npgsql;

namespace Switchyard.Compat.Mismatches;

/// <summary>
/// <c>switchyard.compat_mismatches</c>: one row per (flag_key, instance_id) with that instance's cumulative shadow-read
/// figures. Guards sum the rows fresher than a window and roll reads back when the mismatch rate passes a threshold.
/// </summary>
public static class CompatMismatchesTable
{
    public const string CreateSql = """
        CREATE TABLE IF NOT EXISTS switchyard.compat_mismatches (
            flag_key    text        NOT NULL,
            instance_id text        NOT NULL,
            reads       bigint      NOT NULL,
            mismatches  bigint      NOT NULL,
            errors      bigint      NOT NULL DEFAULT 0,
            sample_keys text[]      NOT NULL DEFAULT '{}',
            started_at  timestamptz NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (flag_key, instance_id)
        )
        """;

    /// <summary>Cumulative figures replace the row: publishing the same snapshot twice changes nothing.</summary>
    public const string UpsertSql = """
        INSERT INTO switchyard.compat_mismatches AS m (flag_key, instance_id, reads, mismatches, errors, sample_keys, started_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, now())
        ON CONFLICT (flag_key, instance_id) DO UPDATE
        SET reads = EXCLUDED.reads, mismatches = EXCLUDED.mismatches, errors = EXCLUDED.errors,
            sample_keys = EXCLUDED.sample_keys, started_at = EXCLUDED.started_at, updated_at = now()
        """;

    /// <summary>What a guard reads: the fleet's totals for one flag ($1) over instances that published within $2.</summary>
    public const string FleetRateSql = """
        SELECT coalesce(sum(reads), 0)::bigint AS reads,
               coalesce(sum(mismatches), 0)::bigint AS mismatches,
               coalesce((sum(mismatches) + sum(errors))::float8 / nullif(sum(reads), 0), 0) AS rate,
               coalesce((SELECT array_agg(DISTINCT k) FROM switchyard.compat_mismatches m2, unnest(m2.sample_keys) k
                         WHERE m2.flag_key = $1 AND m2.updated_at > now() - $2::interval), '{}') AS sample_keys
        FROM switchyard.compat_mismatches
        WHERE flag_key = $1 AND updated_at > now() - $2::interval
        """;

    /// <summary>Creates the schema and table when missing.</summary>
    public static Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken ct) => CompatSchema.EnsureAsync(dataSource, [CreateSql], ct);
}

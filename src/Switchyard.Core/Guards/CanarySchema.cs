using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>The guards' own tables: the heartbeat the standby read compares, and the canary the probe reads and writes.</summary>
public static class CanarySchema
{
    /// <summary>A primary-key read and a tiny write, what a payments service does on every request.</summary>
    public static readonly IReadOnlyList<string> DefaultProbe =
    [
        "SELECT at FROM switchyard.canary WHERE slot = $1",
        "INSERT INTO switchyard.canary (slot, at) VALUES ($1, clock_timestamp()) ON CONFLICT (slot) DO UPDATE SET at = excluded.at",
    ];

    private static readonly string[] Statements =
    [
        "CREATE SCHEMA IF NOT EXISTS switchyard",
        """
        CREATE TABLE IF NOT EXISTS switchyard.heartbeat (
            id   int PRIMARY KEY CHECK (id = 1),
            beat bigint NOT NULL,
            at   timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS switchyard.canary (
            slot int PRIMARY KEY,
            at   timestamptz NOT NULL
        )
        """,
    ];

    /// <summary>Creates what is missing; idempotent.</summary>
    public static async Task EnsureAsync(SafeSqlRunner sql, CancellationToken ct)
    {
        foreach (var statement in Statements)
            await sql.ExecuteDdlAsync(new DdlStatement(statement, []), ct).ConfigureAwait(false);
    }
}

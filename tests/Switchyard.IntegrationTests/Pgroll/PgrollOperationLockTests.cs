using Npgsql;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Pgroll;

/// <summary>
/// Each operation's declared locks against pg_locks: every step of its plan runs in order, each in its own transaction,
/// and before commit the strongest lock the backend holds on the step's table must be the one the step declares.
/// </summary>
public sealed class PgrollOperationLockTests
{
    public static TheoryData<PgrollOperationTests.Case> Cases => PgrollOperationTests.Cases;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Operation_EveryStepInOrder_PgLocksShowsTheDeclaredLock(PgrollOperationTests.Case c)
    {
        // Given the operation's plan on a table with rows
        var db = new TestDatabase();
        await db.InitializeAsync();
        try
        {
            await db.ExecuteAsync(PgrollOperationTests.Setup);
            var sql = db.Runner();
            await new Switchyard.Core.Journal.MigrationJournal(sql).EnsureSchemaAsync(CancellationToken.None);
            await Switchyard.Core.Backfill.BackfillSchema.EnsureAsync(sql, CancellationToken.None);
            var spec = SpecLoader.Load("operations:\n  " + c.Migration + "\n", $"{c.Name}.yaml");
            var plan = await new MigrationEngine(sql).PlanAsync(spec, CancellationToken.None);
            var checkedSteps = 0;

            // When each step runs in its own transaction (CONCURRENTLY ones cannot: they run bare and are not measured)
            await using var conn = await db.DataSource.OpenConnectionAsync();
            foreach (var step in plan.Steps.Where(s => s.Statement is not null || s.BackfillTarget is not null || s.Proof is not null))
            {
                if (step.Proof is RowProof proof)
                {
                    // A gate's proof: both of its counts in one transaction, as the gate runs them
                    var proofOid = await OidAsync(conn, null, step.LockTable);
                    await using var proofTx = await conn.BeginTransactionAsync();
                    foreach (var count in new[] { proof.SuspectCountSql, proof.UnprovenCountSql })
                    {
                        await using var cmd = SafeSqlRunner.Command(count, conn, proofTx);
                        await cmd.ExecuteScalarAsync();
                    }
                    var proofHeld = await StrongestAsync(conn, proofTx, proofOid!.Value);
                    await proofTx.CommitAsync();
                    proofHeld.ShouldBe(step.Lock, $"{c.Name} gate {step.Key}: {proof.UnprovenCountSql}");
                    checkedSteps++;
                    continue;
                }
                // A unit's keyset backfill: its planned batch over the keys of the Setup rows (the batch log takes the row; no cursor moves)
                var statement = step.Statement ?? new DdlStatement(step.Sql, [], Parameters: [0L, 1_000_000L, "lock-test", 0, 1, 0L, 0L]);
                if (statement.Concurrently)
                {
                    await using var bare = SafeSqlRunner.Command(statement.Sql, conn, null);
                    await bare.ExecuteNonQueryAsync();
                    continue;
                }
                var oidBefore = await OidAsync(conn, null, step.LockTable);
                await using var tx = await conn.BeginTransactionAsync();
                await using (var cmd = SafeSqlRunner.Command(statement.Sql, conn, tx, [.. statement.Parameters ?? []]))
                    await cmd.ExecuteNonQueryAsync();
                foreach (var next in statement.FollowedBy ?? [])
                {
                    await using var followed = SafeSqlRunner.Command(next, conn, tx);
                    await followed.ExecuteNonQueryAsync();
                }
                var oid = oidBefore ?? await OidAsync(conn, tx, step.LockTable);
                var held = oid is null ? LockMode.None : await StrongestAsync(conn, tx, oid.Value);
                await tx.CommitAsync();

                // Then pg_locks shows exactly the declared lock on the step's table
                held.ShouldBe(step.Lock, $"{c.Name} step {step.Key}: {step.Sql}");
                if (step.Lock != LockMode.None) checkedSteps++;
            }
            // every step that declares a lock and runs in a transaction, and every gate's proof, was measured (sql declares none; CONCURRENTLY runs bare)
            checkedSteps.ShouldBe(plan.Steps.Count(s => ((s.Statement is { Concurrently: false } || s.BackfillTarget is not null) && s.Lock != LockMode.None) || s.Proof is not null));
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    private static async Task<uint?> OidAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string? table)
    {
        if (table is null) return null;
        await using var cmd = SafeSqlRunner.Command("SELECT to_regclass($1)::oid", conn, tx, table);
        return await cmd.ExecuteScalarAsync() is uint oid ? oid : null;
    }

    private static async Task<LockMode> StrongestAsync(NpgsqlConnection conn, NpgsqlTransaction tx, uint oid)
    {
        await using var cmd = SafeSqlRunner.Command("SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation::bigint = $1 AND granted", conn, tx, (long)oid);
        await using var reader = await cmd.ExecuteReaderAsync();
        var strongest = LockMode.None;
        while (await reader.ReadAsync())
        {
            var mode = LockModes.FromPgName(reader.GetString(0));
            if (mode > strongest) strongest = mode;
        }
        return strongest;
    }
}

using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Core.Backfill.Bench;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Backfill;

/// <summary>A seeded ledger in the post-Expand shape (lookup, nullable state_id, dual-write trigger), ready to backfill.</summary>
public class ExpandedLedger : LedgerDatabase
{
    public static readonly NormalizationTarget Target = LedgerFlagship.Target();

    /// <summary>Whether Expand adds the NOT VALID foreign key from state_id to the lookup, as the flagship spec does.</summary>
    protected virtual bool ForeignKey => false;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await new BenchExpand(Runner()).ApplyAsync(Target, ForeignKey, CancellationToken.None);
    }

    /// <summary>Back to "expanded, nothing backfilled": state_id NULL everywhere (trigger bypassed), no backfill journal rows.</summary>
    public async Task ResetAsync()
    {
        await using var conn = await DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("""
            SELECT set_config('switchyard.role', 'backfill', true);
            UPDATE transactions SET state_id = NULL WHERE state_id IS NOT NULL;
            DELETE FROM transaction_state WHERE id > 7;
            DELETE FROM transaction_state_aliases WHERE alias IS NULL;
            """, conn, tx))
            await cmd.ExecuteNonQueryAsync();
        await using (var clean = new NpgsqlCommand("""
            DO $$ BEGIN
                IF to_regclass('switchyard.backfill_runs') IS NOT NULL THEN
                    DELETE FROM switchyard.backfill_batches; DELETE FROM switchyard.backfill_runs;
                END IF;
            END $$
            """, conn, tx))
            await clean.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        await using var vacuum = new NpgsqlCommand("VACUUM transactions", conn);
        await vacuum.ExecuteNonQueryAsync();
    }

    public BackfillRunner Backfill(SafeSqlOptions? options = null) => new(Runner(options));

    /// <summary>Small, fast-adapting batches so a 20k-row ledger still takes many batches.</summary>
    public static BackfillOptions SmallBatches(int workers = 2) => new()
    {
        Workers = workers,
        InitialBatchKeys = 200,
        MinBatchKeys = 20,
        MaxBatchKeys = 800,
        TargetBatchTime = TimeSpan.FromMilliseconds(20),
        PausePollInterval = TimeSpan.FromMilliseconds(100),
        AnalyzeWhenDone = false,
    };

    public Task<long> BatchesAsync(string migration) =>
        ScalarAsync<long>($"SELECT count(*) FROM switchyard.backfill_batches WHERE migration = '{migration}'");

    public Task<string?> RunStateAsync(string migration) =>
        ScalarAsync<string>($"SELECT state FROM switchyard.backfill_runs WHERE migration = '{migration}'");
}

/// <summary>The expanded ledger with the flagship's NOT VALID foreign key from state_id to transaction_state.</summary>
public sealed class ExpandedLedgerWithForeignKey : ExpandedLedger
{
    protected override bool ForeignKey => true;
}

/// <summary>The partitioned ledger (a partition per month plus DEFAULT) in the post-Expand shape.</summary>
public sealed class PartitionedExpandedLedger : ExpandedLedger
{
    public override Samples.Ledger.Seeding.SeedOptions Seed => new() { Rows = 20_000, Partitioned = true };
}

using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;
using Switchyard.Samples.Ledger.Validation;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>
/// A seeded ledger brought into a migrated shape by <see cref="MigratedLedgerShape"/> — a stand-in for the engine's
/// Expand + backfill (+ Validate, + Contract) until the engine is on main. Backfilled by default.
/// </summary>
public class MigratedLedger : LedgerDatabase
{
    public virtual MigrationShape Shape => MigrationShape.Backfilled;

    public NormalizationTarget Target { get; } = LedgerFlagship.Target();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await MigratedLedgerShape.ApplyAsync(DataSource, Shape, CancellationToken.None);
    }

    /// <summary>
    /// Small chunks, so even a test-sized ledger is checked in several key and page ranges; with
    /// <paramref name="singlePass"/> completeness, orphans, mismatch and counts read the table in one parallel pass as it does for any table
    /// within the default size limit.
    /// </summary>
    public ValidationOptions Options(MigrationShape? shape = null, bool singlePass = false) =>
        new() { ChunkKeys = 3_000, Workers = 2, Shape = shape ?? Shape, SinglePassMaxBytes = singlePass ? new ValidationOptions().SinglePassMaxBytes : 0 };

    public ValidationSuite Suite(ValidationOptions? options = null) =>
        new(Runner(), Target, LedgerFlagship.Reconciliation(), options ?? Options());

    public async Task<CheckResult> CheckAsync(string check, ValidationOptions? options = null) =>
        (await Suite(options).RunAsync([check], false, CancellationToken.None)).Results.Single();
}

/// <summary>The migrated ledger after Validate: FK validated, index built, NOT NULL.</summary>
public sealed class ValidatedLedger : MigratedLedger
{
    public override MigrationShape Shape => MigrationShape.Validated;
}

/// <summary>The migrated ledger after Contract: trigger and status dropped, compat view in place.</summary>
public sealed class ContractedLedger : MigratedLedger
{
    public override MigrationShape Shape => MigrationShape.Contracted;
}

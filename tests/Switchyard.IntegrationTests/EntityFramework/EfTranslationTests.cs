using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Switchyard.Core.Engine;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.EntityFrameworkCore;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.EntityFramework.Model;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.EntityFramework;

/// <summary>Issue 20 items 1 and 3: the sample's EF migrations, read from the compiled assembly through EF's services, translated.</summary>
public sealed class EfTranslationTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private static string SampleAssembly => typeof(LedgerDbContext).Assembly.Location;

    [Fact]
    public async Task Translate_EfFlagshipMigration_IsNormalizeColumnWithForeignKeyIndexNotNullAndContractDrop()
    {
        // Given the flagship migration as `dotnet ef migrations add` generated it, read from the sample's dll
        var migration = EfMigrationsAssembly.Read(SampleAssembly, "NormalizeTransactionStatus");

        // When it is translated
        var plan = EfMigrationTranslator.Translate(migration);

        // Then EF's lookup shape is one normalize_column whose codes are the HasData rows, then FK, index, NOT NULL and the drop
        migration.Up.Select(o => o.GetType().Name).ShouldContain(nameof(InsertDataOperation));
        plan.Refusals.ShouldBeEmpty();
        plan.Operations.Select(o => o.Kind).ShouldBe(["normalize_column", "create_index", "add_foreign_key", "set_not_null", "drop_column"]);
        var target = plan.Operations.OfType<NormalizeColumnOperation>().Single().Target;
        (target.Table.ToString(), target.SourceColumn, target.TargetColumn, target.LookupTable.ToString(), target.KeyColumn).ShouldBe(("public.transactions", "status", "state_id", "public.transaction_state", "id"));
        target.Codes.ShouldBe(LedgerDbContext.States);
        plan.Operations.OfType<Switchyard.Core.Operations.CreateIndex.CreateIndexOperation>().Single().Name.ShouldBe("transactions_state_id_idx");
        plan.Operations.OfType<Switchyard.Core.Operations.AddForeignKey.AddForeignKeyOperation>().Single().Name.ShouldBe("transactions_state_id_fkey");

        // And taken exactly (EF says nothing of cleaning), the seeded ledger's messy legacy values refuse the plan before anything runs
        var engine = new MigrationEngine(db.Runner());
        var exact = await Should.ThrowAsync<SpecException>(() => engine.PlanAsync(plan.ToSpec(), CancellationToken.None));
        exact.Message.ShouldContain("unmapped: fail");

        // And with the ledger's cleaning (trim, lower, aliases) the engine plans it: status dropped only in Contract, the index built concurrently
        var ledger = LedgerFlagship.Target();
        plan = EfMigrationTranslator.Translate(migration, new EfTranslationOptions(ledger.Trim, ledger.Lowercase, ledger.Aliases));
        var planned = await engine.PlanAsync(plan.ToSpec(), CancellationToken.None);
        planned.Name.ShouldBe(migration.Id);
        planned.Phase(MigrationPhase.Contract).Steps.ShouldContain(s => s.Sql.Contains("DROP COLUMN", StringComparison.Ordinal) && s.Sql.Contains("status", StringComparison.Ordinal));
        planned.Steps.Where(s => s.Phase != MigrationPhase.Contract).ShouldNotContain(s => s.Sql.Contains("DROP COLUMN", StringComparison.Ordinal));
        planned.Steps.ShouldContain(s => s.Sql.Contains("transactions_state_id_idx", StringComparison.Ordinal) && s.Concurrently);
    }

    [Fact]
    public void Translate_TypeChangeAndRename_AlterColumnWithCastsAndRenameInContract()
    {
        // Given a migration with an AlterColumn type change and a RenameColumn next to an index
        var migration = new EfMigration("20260101000000_Risky", "10.0.15",
        [
            new AlterColumnOperation { Table = "transactions", Name = "amount_minor", ColumnType = "numeric(20,0)", ClrType = typeof(decimal), OldColumn = new Microsoft.EntityFrameworkCore.Migrations.Operations.AddColumnOperation { Table = "transactions", Name = "amount_minor", ColumnType = "bigint", ClrType = typeof(long) } },
            new RenameColumnOperation { Table = "transactions", Name = "auth_code", NewName = "authorization_code" },
            new Microsoft.EntityFrameworkCore.Migrations.Operations.CreateIndexOperation { Table = "transactions", Name = "transactions_currency_idx", Columns = ["currency"] },
        ], null);

        // When
        var plan = EfMigrationTranslator.Translate(migration);

        // Then the type change is alter_column casting both ways from quoted names and EF's store types, the rename comes last (Contract)
        plan.Refusals.ShouldBeEmpty();
        plan.Operations.Select(o => o.Kind).ShouldBe(["alter_column", "create_index", "rename_column"]);
        var alter = plan.Operations.OfType<Switchyard.Core.Operations.AlterColumn.PgrollAlterColumn>().Single();
        (alter.Type, alter.Up, alter.Down, alter.Nullable).ShouldBe(("numeric(20,0)", "\"amount_minor\"::numeric(20,0)", "\"amount_minor\"::bigint", (bool?)null));
        plan.ToSpec().Name.ShouldBe(migration.Id);
    }

    [Fact]
    public async Task EfPlanCommand_FlagshipAndUnknownMigration_PrintsOperationsOrFailsWithTheList()
    {
        // When the real program plans the flagship, and a migration the assembly does not have
        var ok = await CliRunner.RunAsync(["ef", "plan", "--assembly", SampleAssembly, "--migration", "NormalizeTransactionStatus"]);
        var missing = await CliRunner.RunAsync(["ef", "plan", "--assembly", SampleAssembly, "--migration", "NoSuchMigration"]);
        var cleaned = await CliRunner.RunAsync(["ef", "plan", "--assembly", SampleAssembly, "--migration", "NormalizeTransactionStatus", "--normalize", "trim,lower"]);

        // Then the plan names the operations; the unknown one lists what the assembly has
        ok.ExitCode.ShouldBe(0, ok.StdErr);
        ok.StdOut.ShouldContain("normalize_column: public.transactions.status → public.transaction_state");
        ok.StdOut.ShouldContain("create_index: transactions_state_id_idx ON public.transactions (state_id) CONCURRENTLY");
        ok.StdOut.ShouldContain("drop_column: public.transactions.status (Contract)");
        ok.StdOut.ShouldContain("must equal a code exactly");
        cleaned.StdOut.ShouldContain("are trimmed and lower-cased");
        missing.ExitCode.ShouldNotBe(0);
        missing.StdErr.ShouldContain("_InitialLedger");
    }
}

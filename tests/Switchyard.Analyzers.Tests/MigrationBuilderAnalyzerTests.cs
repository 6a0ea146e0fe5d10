using Microsoft.CodeAnalysis.Testing;
using static Switchyard.Analyzers.Tests.MigrationVerifier;

namespace Switchyard.Analyzers.Tests;

public sealed class MigrationBuilderAnalyzerTests
{
    [Fact]
    public async Task CreateIndex_WithoutConcurrently_IsSy001OnTheMethodName()
    {
        // Given an index on an existing table, built the blocking way
        const string body = """
                    migrationBuilder.{|SY001:CreateIndex|}(name: "ix_transactions_merchant", table: "transactions", column: "merchant_id");
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task CreateIndex_WithCreatedConcurrentlyAnnotationOrHelper_IsSilent()
    {
        // Given both spellings of a concurrent build
        const string body = """
                    migrationBuilder.CreateIndex(name: "ix_a", table: "transactions", column: "a")
                        .Annotation("Npgsql:CreatedConcurrently", true);
                    migrationBuilder.CreateIndex(name: "ix_b", table: "transactions", columns: new[] { "b", "c" }).IsCreatedConcurrently();
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task CreateIndex_WithCreatedConcurrentlyFalse_IsSy001()
    {
        // Given
        const string body = """
                    migrationBuilder.{|SY001:CreateIndex|}(name: "ix_a", table: "transactions", column: "a").IsCreatedConcurrently(false);
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task OperationsOnATableCreatedEarlier_InTheSameMigration_AreSilent()
    {
        // Given a new (empty, unused) table, indexed and constrained right after
        const string body = """
                    migrationBuilder.CreateTable(name: "refunds", columns: table => new { id = table.Column<long>(), amount = table.Column<long>() });
                    migrationBuilder.CreateIndex(name: "ix_refunds_amount", table: "refunds", column: "amount");
                    migrationBuilder.AddForeignKey(name: "fk_refunds_tx", table: "refunds", column: "tx_id", principalTable: "transactions");
                    migrationBuilder.AddPrimaryKey(name: "pk_refunds", table: "refunds", column: "id");
                    migrationBuilder.AddColumn<long>(name: "fee", table: "refunds", nullable: false);
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task CreateIndex_OnTableCreatedInAnotherSchema_IsStillSy001()
    {
        // Given a new table ledger.refunds, but the index goes on public's refunds
        const string body = """
                    migrationBuilder.CreateTable(name: "refunds", schema: "ledger", columns: table => new { id = table.Column<long>() });
                    migrationBuilder.{|SY001:CreateIndex|}(name: "ix_refunds_id", table: "refunds", column: "id");
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task AlterColumn_ChangingType_IsSy008()
    {
        // Given a text -> varchar(200) change and an int -> long change
        const string body = """
                    migrationBuilder.{|SY008:AlterColumn|}<string>(name: "memo", table: "transactions", type: "character varying(200)", nullable: true, oldClrType: typeof(string), oldType: "text", oldNullable: true);
                    migrationBuilder.{|SY008:AlterColumn|}<long>(name: "amount", table: "transactions", nullable: false, oldClrType: typeof(int));
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task AlterColumn_MakingAnExistingColumnNotNull_IsSy006()
    {
        // Given
        const string body = """
                    migrationBuilder.{|SY006:AlterColumn|}<string>(name: "currency", table: "transactions", type: "text", nullable: false, oldClrType: typeof(string), oldType: "text", oldNullable: true);
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task AlterColumn_ChangingTypeAndAddingNotNull_IsBothSy008AndSy006()
    {
        // Given one scaffolded AlterColumn doing two blocking things
        const string body = """
                    migrationBuilder.{|SY008:{|SY006:AlterColumn|}|}<string>(name: "memo", table: "transactions", type: "character varying(200)", nullable: false, oldClrType: typeof(string), oldType: "text", oldNullable: true);
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task AlterColumn_KeepingTypeAndRelaxingNullability_IsSilent()
    {
        // Given NOT NULL -> nullable, same type: a catalog-only change
        const string body = """
                    migrationBuilder.AlterColumn<string>(name: "currency", table: "transactions", type: "text", nullable: true, oldClrType: typeof(string), oldType: "text", oldNullable: false);
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task RenameColumnAndRenameTable_OnExistingTables_AreSy009()
    {
        // Given
        const string body = """
                    migrationBuilder.{|SY009:RenameColumn|}(name: "amount", table: "transactions", newName: "amount_minor");
                    migrationBuilder.{|SY009:RenameTable|}(name: "transactions", newName: "ledger_transactions");
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task ConstraintsOnExistingTables_AreTheLintIds()
    {
        // Given a validated foreign key, a check and two index-building constraints
        const string body = """
                    migrationBuilder.{|SY004:AddForeignKey|}(name: "fk_tx_merchant", table: "transactions", column: "merchant_id", principalTable: "merchants", principalColumn: "id");
                    migrationBuilder.{|SY005:AddCheckConstraint|}(name: "ck_amount_positive", table: "transactions", sql: "amount > 0");
                    migrationBuilder.{|SY015:AddUniqueConstraint|}(name: "uq_tx_ref", table: "transactions", columns: new[] { "reference" });
                    migrationBuilder.{|SY015:AddPrimaryKey|}(name: "pk_tx", table: "transactions", column: "id");
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task AddColumn_NullableWithoutDefault_IsSilentButNotNullOrVolatileDefaultIsFlagged()
    {
        // Given
        const string body = """
                    migrationBuilder.AddColumn<string>(name: "note", table: "transactions", nullable: true);
                    migrationBuilder.AddColumn<int>(name: "attempts", table: "transactions", nullable: false, defaultValue: 0);
                    migrationBuilder.{|SY014:AddColumn|}<int>(name: "retries", table: "transactions", nullable: false);
                    migrationBuilder.{|SY007:AddColumn|}<System.Guid>(name: "public_id", table: "transactions", nullable: true, defaultValueSql: "gen_random_uuid()");
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task Sql_ConstantWithDangerousDdl_IsFlaggedOnTheSqlText()
    {
        // Given DDL the analyzer can see (a literal and a constant concatenation)
        const string body = """
                    migrationBuilder.Sql({|SY001:"CREATE INDEX ix_tx_created ON transactions (created_at);"|});
                    migrationBuilder.Sql({|SY004:"ALTER TABLE transactions " + "ADD CONSTRAINT fk_m FOREIGN KEY (merchant_id) REFERENCES merchants (id);"|});
                    migrationBuilder.Sql({|SY008:"alter table transactions alter column amount type numeric(20,2)"|});
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task Messages_NameTheCallOrStatement_AndGiveTheMatchingAdvice()
    {
        // Given the same hazard as a typed call (line 7) and as raw SQL (line 8)
        const string body = """
                    migrationBuilder.CreateIndex(name: "ix_a", table: "transactions", column: "a");
                    migrationBuilder.Sql("CREATE INDEX ix_b ON transactions (b);");
            """;

        // When / Then: the typed call gets the annotation fix, the SQL the CONCURRENTLY rewrite
        await VerifyAsync(body,
            new DiagnosticResult(MigrationRules.IndexWithoutConcurrently).WithSpan("Migration.cs", 7, 26, 7, 37)
                .WithArguments("CreateIndex 'ix_a' on 'transactions'", MigrationRules.CreateIndexHazard),
            new DiagnosticResult(MigrationRules.IndexWithoutConcurrently).WithSpan("Migration.cs", 8, 30, 8, 70)
                .WithArguments("Sql(\"CREATE INDEX ix_b ON transactions (b)\")", MigrationRules.Hazard(MigrationRules.IndexWithoutConcurrently)));
    }

    [Fact]
    public async Task Sql_SafeOrInvisibleText_IsSilent()
    {
        // Given the safe forms, and SQL built at run time (not a constant: nothing to check)
        const string body = """
                    migrationBuilder.Sql("CREATE INDEX CONCURRENTLY ix_tx_created ON transactions (created_at);", suppressTransaction: true);
                    migrationBuilder.Sql("ALTER TABLE transactions ADD CONSTRAINT fk_m FOREIGN KEY (merchant_id) REFERENCES merchants (id) NOT VALID;");
                    migrationBuilder.Sql("ALTER TABLE transactions VALIDATE CONSTRAINT fk_m;");
                    var table = System.Environment.GetEnvironmentVariable("T");
                    migrationBuilder.Sql("CREATE INDEX ix ON " + table + " (a);");
            """;

        // When / Then
        await VerifyAsync(body);
    }

    [Fact]
    public async Task SameNamedMethod_OnAnotherType_IsSilent()
    {
        // Given a CreateIndex that is not MigrationBuilder's: matched by symbol, not by name
        const string body = """
                    var other = new OtherBuilder();
                    other.CreateIndex(name: "ix", table: "transactions", column: "a");
                }

                private sealed class OtherBuilder
                {
                    public void CreateIndex(string name, string table, string column) { }
            """;

        // When / Then
        await VerifyAsync(body);
    }
}

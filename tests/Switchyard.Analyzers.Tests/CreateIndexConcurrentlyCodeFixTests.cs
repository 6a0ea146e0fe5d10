using static Switchyard.Analyzers.Tests.MigrationVerifier;

namespace Switchyard.Analyzers.Tests;

public sealed class CreateIndexConcurrentlyCodeFixTests
{
    [Fact]
    public async Task CreateIndexFix_OnABlockingIndex_AppendsTheNpgsqlConcurrentAnnotation()
    {
        // Given
        const string body = """
                    migrationBuilder.{|SY001:CreateIndex|}(
                        name: "ix_transactions_merchant",
                        table: "transactions",
                        column: "merchant_id");
            """;

        // When the fix is applied
        // Then the call keeps its layout and gains the annotation, and SY001 is gone
        const string fixedBody = """
                    migrationBuilder.CreateIndex(
                        name: "ix_transactions_merchant",
                        table: "transactions",
                        column: "merchant_id").Annotation("Npgsql:CreatedConcurrently", true);
            """;
        await VerifyFixAsync(body, fixedBody);
    }

    [Fact]
    public async Task CreateIndexFix_AfterAnotherAnnotation_KeepsTheChain()
    {
        // Given an index with a method annotation already chained
        const string body = """
                    migrationBuilder.{|SY001:CreateIndex|}(name: "ix_tx_meta", table: "transactions", column: "meta").Annotation("Npgsql:IndexMethod", "gin");
            """;

        // When / Then
        const string fixedBody = """
                    migrationBuilder.CreateIndex(name: "ix_tx_meta", table: "transactions", column: "meta").Annotation("Npgsql:CreatedConcurrently", true).Annotation("Npgsql:IndexMethod", "gin");
            """;
        await VerifyFixAsync(body, fixedBody);
    }
}

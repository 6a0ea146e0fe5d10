using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Spec;

/// <summary>A ledger whose status is nullable and holds legacy values nobody maps: NULL ×1 (id 11), '' ×1 (id 12), 'pending' ×3 (ids 13-15).</summary>
public sealed class UnmappedValuesLedger : LedgerDatabase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteAsync("""
            ALTER TABLE transactions ALTER COLUMN status DROP NOT NULL;
            UPDATE transactions SET status = NULL WHERE id = 11;
            UPDATE transactions SET status = '' WHERE id = 12;
            UPDATE transactions SET status = 'pending' WHERE id IN (13, 14, 15);
            """);
    }

    /// <summary>The flagship spec with another unmapped policy (and <c>unknown</c> among its codes), written to a temporary file.</summary>
    public static string SpecWithPolicy(string policy)
    {
        var text = File.ReadAllText(FlagshipSpec.Path)
            .Replace("charged_back]", "charged_back, unknown]", StringComparison.Ordinal)
            .Replace("unmapped: fail", "unmapped: " + policy, StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"sy-unmapped-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }
}

using Switchyard.Core.Journal;
using Switchyard.Core.LocalPostgres;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Cli.Proof;

namespace Switchyard.IntegrationTests.Demo;

/// <summary>The proof's dump comparison leaves the journal out and nothing else: an operation's leftover is a difference.</summary>
public sealed class ComparableSchemaTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task DiffFrom_JournalCreatedAndATriggerFunctionLeftBehind_OnlyTheFunctionDiffers()
    {
        // Given a table's schema dumped before the journal exists
        await _db.ExecuteAsync("CREATE TABLE t (id bigint PRIMARY KEY, amount bigint NOT NULL CHECK (amount > 0))");
        var binaries = await PostgresBinaries.LocateAsync(null, CancellationToken.None);
        var before = ComparableSchema.From(await SchemaDump.SchemaOnlyAsync(_db.Settings, binaries, CancellationToken.None));

        // When the journal is created (as any run does) and an operation's trigger function is left in its schema
        await JournalSchema.EnsureAsync(_db.Runner(), CancellationToken.None);
        var journalOnly = ComparableSchema.From(await SchemaDump.SchemaOnlyAsync(_db.Settings, binaries, CancellationToken.None));
        await _db.ExecuteAsync("CREATE FUNCTION switchyard.sy_up_t_amount() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
        var leftover = ComparableSchema.From(await SchemaDump.SchemaOnlyAsync(_db.Settings, binaries, CancellationToken.None));

        // Then the journal alone is no difference (and was left out), the leftover function is one
        journalOnly.DiffFrom(before).ShouldBeEmpty();
        journalOnly.IgnoredEntries.ShouldBeGreaterThan(0);
        leftover.DiffFrom(before).ShouldContain("+ CREATE FUNCTION switchyard.sy_up_t_amount() RETURNS trigger");
    }

    [Fact]
    public async Task DiffFrom_ColumnAddedAndConstraintDropped_BothShown()
    {
        // Given a table's schema
        await _db.ExecuteAsync("CREATE TABLE u (id bigint PRIMARY KEY, amount bigint NOT NULL CONSTRAINT u_amount_positive CHECK (amount > 0))");
        var binaries = await PostgresBinaries.LocateAsync(null, CancellationToken.None);
        var before = ComparableSchema.From(await SchemaDump.SchemaOnlyAsync(_db.Settings, binaries, CancellationToken.None));

        // When a shadow column stays and the check is gone
        await _db.ExecuteAsync("ALTER TABLE u ADD COLUMN _sy_new_amount numeric; ALTER TABLE u DROP CONSTRAINT u_amount_positive");
        var after = ComparableSchema.From(await SchemaDump.SchemaOnlyAsync(_db.Settings, binaries, CancellationToken.None));

        // Then the diff names both
        var diff = after.DiffFrom(before);
        diff.ShouldContain(l => l.StartsWith("+ ", StringComparison.Ordinal) && l.Contains("_sy_new_amount", StringComparison.Ordinal));
        diff.ShouldContain(l => l.StartsWith("- ", StringComparison.Ordinal) && l.Contains("u_amount_positive", StringComparison.Ordinal));
    }
}

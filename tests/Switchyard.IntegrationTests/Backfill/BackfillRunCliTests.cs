using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Backfill;

/// <summary>
/// <c>switchyard backfill run</c> by hand, through the real CLI: the backfills of the spec it is given or of the newest
/// journaled migration, never a built-in table; an operation unit's row touch as well as a normalization.
/// </summary>
public sealed class BackfillRunCliTests() : DatabaseWithFolder("backfill-run-")
{
    private const int Rows = 5_000;
    private const string LoudSpec = "operations:\n  - add_column: { table: t, up: \"upper(name)\", column: { name: loud, type: text } }\n";

    /// <summary>A table of <see cref="Rows"/> rows, and the add_column-with-up spec applied through Expand (existing rows not filled yet).</summary>
    private async Task<(MigrationSpec Spec, string JournalKey)> ExpandedLoudColumnAsync()
    {
        await Db.ExecuteAsync($"CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL); INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, {Rows}) g");
        var path = Path.Combine(Folder, "loud.yaml");
        await File.WriteAllTextAsync(path, LoudSpec);
        var spec = SpecLoader.LoadFile(path);
        var engine = new MigrationEngine(Db.Runner());
        var touch = (await engine.PlanAsync(spec, CancellationToken.None)).Steps.Single(s => s.Kind == StepKind.Backfill).BackfillTarget.ShouldBeOfType<Switchyard.Core.Operations.RowTouchTarget>();
        (await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None)).State.ShouldBe("waiting");
        return (spec, touch.JournalKey(spec.Name));
    }

    [Fact]
    public async Task BackfillRun_NoSpecAndNoJournal_OneLineErrorAskingForSpec()
    {
        // Given a database no migration was journaled in
        // When backfill run is called without --spec
        var result = await CliRunner.RunAsync(["backfill", "run", "-c", Db.ConnectionString]);

        // Then it does not guess a table: one line asks for the spec, naming the database, and nothing was started
        result.ExitCode.ShouldBe(2, result.StdOut + result.StdErr);
        result.StdErr.ShouldContain("backfill run needs a migration spec: none was given and the journal of ");
        result.StdErr.ShouldContain(Db.Name);
        result.StdErr.ShouldContain("Pass --spec FILE");
        result.StdErr.ShouldNotContain("   at ");
        (await Db.ScalarAsync<bool>("SELECT to_regclass('switchyard.backfill_runs') IS NULL")).ShouldBeTrue();
    }

    [Fact]
    public async Task BackfillRun_NoSpec_RunsTheJournaledUnitOperationsRowTouchToTheEnd()
    {
        // Given an add_column with up through Expand, its existing rows not yet filled
        var (_, key) = await ExpandedLoudColumnAsync();
        (await Db.ScalarAsync<long>("SELECT count(*) FROM t WHERE loud IS NULL")).ShouldBe(Rows);

        // When backfill run is called without --spec, in small batches
        var result = await CliRunner.RunAsync(["backfill", "run", "-c", Db.ConnectionString, "--workers", "2", "--initial-batch-keys", "500", "--max-batch-keys", "1000", "--json"]);

        // Then it found the spec through the journal, ran the unit's touch under its own cursors, and every row holds up(name)
        result.ExitCode.ShouldBe(0, result.StdOut + result.StdErr);
        (await Db.ScalarAsync<string>($"SELECT state FROM switchyard.backfill_runs WHERE migration = '{key}'")).ShouldBe("completed");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.backfill_batches WHERE migration = '{key}'")).ShouldBeGreaterThan(2);
        (await Db.ScalarAsync<long>("SELECT count(*) FROM t WHERE loud IS DISTINCT FROM upper(name)")).ShouldBe(0);
    }

    [Fact]
    public async Task BackfillRun_UnmappedOnASpecWithoutNormalization_ExitsTwoAndTouchesNoRow()
    {
        // Given the unit spec through Expand
        var (spec, _) = await ExpandedLoudColumnAsync();

        // When backfill run names it with a normalization's --unmapped policy
        var result = await CliRunner.RunAsync(["backfill", "run", "-c", Db.ConnectionString, "--spec", spec.SourcePath!, "--unmapped", "map_to:declined"]);

        // Then one line says the option does not apply, and no row was filled
        result.ExitCode.ShouldBe(2, result.StdOut + result.StdErr);
        result.StdErr.ShouldContain("--unmapped applies to a normalize_column");
        result.StdErr.ShouldNotContain("   at ");
        (await Db.ScalarAsync<long>("SELECT count(*) FROM t WHERE loud IS NULL")).ShouldBe(Rows);
    }
}

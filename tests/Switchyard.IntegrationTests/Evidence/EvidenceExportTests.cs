using System.Text.Json.Nodes;
using Switchyard.Core.Engine;
using Switchyard.Core.Evidence;
using Switchyard.Core.Operations;
using Switchyard.Core.Spec;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Seeding;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Evidence;

/// <summary>A small ledger on which the flagship migration runs to completion once, for the export tests.</summary>
public sealed class MigratedLedger : LedgerDatabase
{
    public const string Migration = "001-normalize-transaction-status";

    public override SeedOptions Seed => new() { Rows = 3_000 };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var spec = SpecLoader.LoadFile(Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml"));
        var engine = new MigrationEngine(Runner());
        await engine.ApplyAsync(spec, new ApplyOptions(), CancellationToken.None);
        var id = await ScalarAsync<long>($"SELECT id FROM switchyard.migrations WHERE name = '{Migration}'");
        var report = await new ValidationSuite(Runner(), LedgerFlagship.Target(), LedgerFlagship.Reconciliation())
            .RunAsync(null, false, CancellationToken.None);
        await ValidationEvidence.StoreAsync(Runner(), report, id, CancellationToken.None);
        var control = new MigrationControl(Runner());
        await control.CutoverAsync(Migration, "shadow", 0, "both", CancellationToken.None);
        await control.CutoverAsync(Migration, "new_only", 100, "new", CancellationToken.None);
        var done = await engine.ApplyAsync(spec, new ApplyOptions { Confirm = Migration }, CancellationToken.None);
        done.State.ShouldBe("completed", done.Message);
    }
}

public sealed class EvidenceExportTests(MigratedLedger db) : IClassFixture<MigratedLedger>
{
    [Fact]
    public async Task Export_FinishedMigration_RoundTripsAndItsChecksumVerifies()
    {
        // When
        var record = await new EvidenceExporter(db.Runner()).ExportAsync(MigratedLedger.Migration, CancellationToken.None);
        var json = record.ToJson();
        var verified = EvidenceVerifier.Verify(json);

        // Then
        verified.Valid.ShouldBeTrue();
        verified.ComputedChecksum.ShouldBe(record.Checksum);
        verified.Migration.ShouldBe(MigratedLedger.Migration);
        var doc = JsonNode.Parse(json)!;
        doc["checksum"]!["algorithm"]!.GetValue<string>().ShouldBe("sha256");
        var content = doc["content"]!;
        content["migration"]!["state"]!.GetValue<string>().ShouldBe("completed");
        var steps = content["steps"]!.AsArray();
        steps.Count.ShouldBe((int)await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps"));
        steps.ShouldAllBe(s => s!["status"]!.GetValue<string>() == "done" && s["finished_at"] != null);
        var events = content["events"]!.AsArray();
        events.Count.ShouldBe((int)await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE migration_id IS NOT NULL"));
        events.ShouldContain(e => e!["kind"]!.GetValue<string>() == "flags_flipped");
        events.ShouldAllBe(e => e!["os_user"]!.GetValue<string>().Length > 0 && e["db_user"]!.GetValue<string>().Length > 0);
        verified.Chain.Intact.ShouldBeTrue(verified.Chain.Describe());
        verified.Chain.Chained.ShouldBe(events.Count);
        var results = content["validation_results"]!.AsArray();
        results.Count.ShouldBeGreaterThan(0);
        results.ShouldAllBe(r => r!["outcome"]!.GetValue<string>() != "failed");
    }

    [Fact]
    public async Task Export_SecondExportOfUnchangedRows_HasTheSameContentChecksumExceptForTheExportTime()
    {
        var time = new FixedTime(DateTimeOffset.Parse("2026-11-26T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var a = await new EvidenceExporter(db.Runner(), time).ExportAsync(MigratedLedger.Migration, CancellationToken.None);
        var b = await new EvidenceExporter(db.Runner(), time).ExportAsync(MigratedLedger.Migration, CancellationToken.None);

        b.Checksum.ShouldBe(a.Checksum);
    }

    [Theory]
    [InlineData("amount")]
    [InlineData("step")]
    [InlineData("event")]
    public async Task Verify_AnyEditToTheExportedContent_IsDetected(string what)
    {
        // Given
        var record = await new EvidenceExporter(db.Runner()).ExportAsync(MigratedLedger.Migration, CancellationToken.None);
        var doc = JsonNode.Parse(record.ToJson())!;
        var content = doc["content"]!;

        // When someone edits the record
        switch (what)
        {
            case "amount": content["validation_results"]![0]!["failures"] = 1; break;
            case "step": content["steps"]![0]!["status"] = "failed"; break;
            case "event": content["events"]!.AsArray().RemoveAt(0); break;
        }
        var verified = EvidenceVerifier.Verify(doc.ToJsonString());

        // Then
        verified.Valid.ShouldBeFalse();
        verified.RecordedChecksum.ShouldBe(record.Checksum);
        verified.ComputedChecksum.ShouldNotBe(record.Checksum);
    }

    [Fact]
    public async Task CliExport_Markdown_IsReadableAndVerifiesAndATamperedCopyExits4()
    {
        // Given
        var file = Path.Combine(Path.GetTempPath(), $"evidence-{Guid.NewGuid():N}.md");

        // When
        var export = await CliRunner.RunAsync(["evidence", MigratedLedger.Migration, "--format", "markdown", "--out", file, "-c", db.ConnectionString]);
        var verify = await CliRunner.RunAsync(["evidence", "--verify", file]);
        var text = await File.ReadAllTextAsync(file);
        var tampered = file + ".tampered.md";
        await File.WriteAllTextAsync(tampered, text.Replace("\"status\": \"done\"", "\"status\": \"skipped\"", StringComparison.Ordinal));
        var verifyTampered = await CliRunner.RunAsync(["evidence", "--verify", tampered]);
        var unknown = await CliRunner.RunAsync(["evidence", "no-such-migration", "-c", db.ConnectionString]);

        // Then
        export.ExitCode.ShouldBe(0, export.StdErr);
        text.ShouldContain("# Evidence: " + MigratedLedger.Migration);
        text.ShouldContain("## Steps");
        text.ShouldContain("## Events (who ran what)");
        text.ShouldContain("## Validation results");
        text.ShouldContain("| contract.transactions.status.drop | contract | done |");
        verify.ExitCode.ShouldBe(0, verify.StdErr);
        verify.StdOut.ShouldContain("verified:");
        verifyTampered.ExitCode.ShouldBe(4);
        verifyTampered.StdOut.ShouldContain("TAMPERED");
        unknown.ExitCode.ShouldNotBe(0);
        unknown.StdErr.ShouldContain("Known migrations: " + MigratedLedger.Migration);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

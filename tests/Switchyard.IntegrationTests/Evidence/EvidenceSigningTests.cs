using System.Text.Json.Nodes;
using Switchyard.Core.Evidence;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Evidence;

/// <summary>A journaled migration and an operator's key pair, shared by the signing tests.</summary>
public sealed class SignedEvidenceFixture : IAsyncLifetime
{
    public const string Migration = "signed-evidence";

    public JournalDatabase Db { get; } = new();
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), $"evidence-{Guid.NewGuid():N}");
    public string PrivateKey => Path.Combine(Dir, "keys", EvidenceKeys.PrivateKeyFile);
    public string PublicKey => Path.Combine(Dir, "keys", EvidenceKeys.PublicKeyFile);
    public string OtherPublicKey => Path.Combine(Dir, "other", EvidenceKeys.PublicKeyFile);

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        await Db.MigrationWithEventsAsync(Migration, 4);
        EvidenceKeys.Generate(Path.Combine(Dir, "keys"));
        EvidenceKeys.Generate(Path.Combine(Dir, "other"));
    }

    public async Task DisposeAsync()
    {
        await Db.DisposeAsync();
        Directory.Delete(Dir, recursive: true);
    }

    /// <summary>Runs <c>switchyard evidence</c> to export into a new file; returns its path.</summary>
    public async Task<string> ExportAsync(string format, bool signed)
    {
        var file = Path.Combine(Dir, $"{Guid.NewGuid():N}.{(format == "markdown" ? "md" : "json")}");
        var export = await CliRunner.RunAsync(["evidence", Migration, "--format", format, "--out", file, "-c", Db.ConnectionString, .. signed ? new[] { "--sign-key", PrivateKey } : []]);
        export.ExitCode.ShouldBe(0, export.StdErr);
        return file;
    }

    public async Task<string> WriteAsync(string text)
    {
        var file = Path.Combine(Dir, $"{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, text);
        return file;
    }
}

public sealed class EvidenceSigningTests(SignedEvidenceFixture f) : IClassFixture<SignedEvidenceFixture>
{
    [Theory]
    [InlineData("json")]
    [InlineData("markdown")]
    public async Task Verify_SignedExportWithItsPublicKey_Verified(string format)
    {
        // Given
        var file = await f.ExportAsync(format, signed: true);

        // When
        var verify = await CliRunner.RunAsync(["evidence", "--verify", file, "--public-key", f.PublicKey]);

        // Then
        verify.ExitCode.ShouldBe(0, verify.StdOut + verify.StdErr);
        verify.StdOut.ShouldContain("verified: ");
        verify.StdOut.ShouldContain("signed by key sha256:");
        verify.StdOut.ShouldContain("event chain: intact (4 event(s) chained)");
    }

    [Fact]
    public async Task Verify_JsonEditedWithRecomputedChecksum_FailsWithThePublicKey()
    {
        // Given a signed export whose state an editor changed, recomputing the sha256 as the old format allowed
        var doc = JsonNode.Parse(await File.ReadAllTextAsync(await f.ExportAsync("json", signed: true)))!.AsObject();
        doc["content"]!["migration"]!["state"] = "completed";
        doc["checksum"]!["value"] = CanonicalJson.Sha256(doc["content"]);
        var forged = await f.WriteAsync(doc.ToJsonString());

        // When
        var verify = await CliRunner.RunAsync(["evidence", "--verify", forged, "--public-key", f.PublicKey]);
        var withoutKey = await CliRunner.RunAsync(["evidence", "--verify", forged]);

        // Then
        foreach (var result in new[] { verify, withoutKey })
        {
            result.ExitCode.ShouldBe(4, result.StdOut + result.StdErr);
            result.StdOut.ShouldContain("TAMPERED: ");
            result.StdOut.ShouldContain("the record was changed after signing");
        }
    }

    [Fact]
    public async Task Verify_AnotherOperatorsPublicKey_FailsAsNotAuthentic()
    {
        // Given
        var file = await f.ExportAsync("json", signed: true);

        // When
        var verify = await CliRunner.RunAsync(["evidence", "--verify", file, "--public-key", f.OtherPublicKey]);

        // Then
        verify.ExitCode.ShouldBe(4);
        verify.StdOut.ShouldContain("NOT AUTHENTIC: ");
        verify.StdOut.ShouldContain("not by the --public-key given");
    }

    [Fact]
    public async Task Verify_UnsignedExport_IntegrityOnlyWithoutKeyAndFailsWithKey()
    {
        // Given
        var file = await f.ExportAsync("json", signed: false);

        // When
        var withoutKey = await CliRunner.RunAsync(["evidence", "--verify", file]);
        var withKey = await CliRunner.RunAsync(["evidence", "--verify", file, "--public-key", f.PublicKey]);

        // Then
        withoutKey.ExitCode.ShouldBe(0, withoutKey.StdOut + withoutKey.StdErr);
        withoutKey.StdOut.ShouldContain("unsigned: integrity only, not authenticity");
        withKey.ExitCode.ShouldBe(4);
        withKey.StdOut.ShouldContain("NOT AUTHENTIC: ");
        withKey.StdOut.ShouldContain("unsigned: the record carries no signature");
    }

    [Fact]
    public async Task Verify_MarkdownStateCellEdited_FailsNamingTheCell()
    {
        // Given
        var text = await File.ReadAllTextAsync(await f.ExportAsync("markdown", signed: true));
        text.ShouldContain("| state | waiting |");
        var edited = await f.WriteAsync(text.Replace("| state | waiting |", "| state | completed |", StringComparison.Ordinal));

        // When
        var verify = await CliRunner.RunAsync(["evidence", "--verify", edited, "--public-key", f.PublicKey]);

        // Then
        verify.ExitCode.ShouldBe(4);
        verify.StdOut.ShouldContain("row \"state\", column \"value\" reads \"completed\" but the signed record says \"waiting\"");
    }

    [Theory]
    [InlineData("duplicate key", "duplicate property 'format'")]
    [InlineData("truncated json", "not valid evidence JSON at line")]
    [InlineData("not json", "neither evidence JSON nor a markdown export")]
    [InlineData("wrong field type", "content.events[0].id: expected an integer, found string")]
    [InlineData("truncated markdown", "the embedded ```json block is not closed")]
    public async Task Verify_MalformedFile_OneLineErrorAndNoStackTrace(string damage, string expected)
    {
        // Given
        var json = await File.ReadAllTextAsync(await f.ExportAsync("json", signed: true));
        var markdown = await File.ReadAllTextAsync(await f.ExportAsync("markdown", signed: true));
        var text = damage switch
        {
            "duplicate key" => json.Replace("\"format\":", "\"format\": \"x\", \"format\":", StringComparison.Ordinal),
            "truncated json" => json[..(json.Length / 2)],
            "not json" => "hello, reviewer",
            "wrong field type" => json.Replace($"\"id\": {await f.Db.ScalarAsync<long>("SELECT min(id) FROM switchyard.events")},", "\"id\": \"one\",", StringComparison.Ordinal),
            _ => markdown[..^40],
        };
        var file = await f.WriteAsync(text);

        // When
        var verify = await CliRunner.RunAsync(["evidence", "--verify", file, "--public-key", f.PublicKey]);

        // Then
        verify.ExitCode.ShouldBe(2);
        verify.StdErr.ShouldContain(expected, Case.Insensitive);
        verify.StdErr.ShouldNotContain("   at ");
        verify.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("error:", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task Keygen_ExistingKey_RefusesToOverwriteAndNeverPrintsThePrivateKey()
    {
        // Given
        var dir = Path.Combine(f.Dir, "keygen");

        // When
        var first = await CliRunner.RunAsync(["evidence", "keygen", "--out", dir]);
        var second = await CliRunner.RunAsync(["evidence", "keygen", "--out", dir]);

        // Then
        first.ExitCode.ShouldBe(0, first.StdErr);
        first.StdOut.ShouldNotContain("BEGIN PRIVATE KEY", Case.Sensitive);
        first.StdOut.ShouldNotContain((await File.ReadAllLinesAsync(Path.Combine(dir, EvidenceKeys.PrivateKeyFile)))[1]);
        File.GetUnixFileMode(Path.Combine(dir, EvidenceKeys.PrivateKeyFile)).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        second.ExitCode.ShouldBe(2);
        second.StdErr.ShouldContain("already exists; a signing key is never overwritten");
    }
}

using Npgsql;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Foundation;

public sealed class BadInputTests : IClassFixture<LedgerDatabase>
{
    private readonly LedgerDatabase _db;

    public BadInputTests(LedgerDatabase db) => _db = db;

    [Fact]
    public async Task ConnectionToClosedPort_ClearErrorNonZeroNoStackTrace()
    {
        var result = await CliRunner.RunSampleAsync(["ledger", "invariants", "-c", "Host=127.0.0.1;Port=1;Username=nobody;Database=x"]);

        result.ExitCode.ShouldNotBe(0);
        result.StdErr.ShouldContain("Cannot connect to nobody@127.0.0.1:1");
        result.StdErr.ShouldContain("hint:");
        result.StdErr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task WrongPassword_ClearErrorNeverEchoesPassword_LedgerUnchanged()
    {
        // Given
        var before = await _db.InvariantsAsync();
        var b = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Passfile = null, Password = "definitely-wrong-pw" };
        var uri = $"postgres://{b.Username}:{b.Password}@{b.Host}:{b.Port}/{b.Database}";

        // When seeding (which would drop the ledger) with a wrong password
        var result = await CliRunner.RunSampleAsync(["ledger", "seed", "--rows", "10", "--replace", "-c", uri]);

        // Then
        result.ExitCode.ShouldNotBe(0);
        result.StdErr.ShouldContain("Authentication failed");
        (result.StdErr + result.StdOut).ShouldNotContain("definitely-wrong-pw");
        result.StdErr.ShouldNotContain("   at ");
        (await _db.InvariantsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task BinariesFolderThatDoesNotExist_ClearErrorNonZero()
    {
        var home = Path.Combine(Path.GetTempPath(), "sy-nobin-" + Guid.NewGuid().ToString("N")[..8]);
        var result = await CliRunner.RunAsync(["local", "start", "--home", home, "--pg-bin", "/does/not/exist"]);

        result.ExitCode.ShouldNotBe(0);
        result.StdErr.ShouldContain("'/does/not/exist'");
        result.StdErr.ShouldContain("hint:");
        Directory.Exists(Path.Combine(home, "pg")).ShouldBeFalse();
    }

    [Fact]
    public async Task NegativeRows_ClearErrorNonZero_LedgerUnchanged()
    {
        var before = await _db.InvariantsAsync();

        var result = await CliRunner.RunSampleAsync(["ledger", "seed", "--rows", "-5", "--replace", "-c", _db.ConnectionString]);

        result.ExitCode.ShouldNotBe(0);
        result.StdErr.ShouldContain("--rows must be zero or more, got -5");
        (await _db.InvariantsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task SeedOverExistingLedgerWithoutReplace_RefusesAndChangesNothing()
    {
        var before = await _db.InvariantsAsync();

        var result = await CliRunner.RunSampleAsync(["ledger", "seed", "--rows", "10", "-c", _db.ConnectionString]);

        result.ExitCode.ShouldNotBe(0);
        result.StdErr.ShouldContain("--replace");
        (await _db.InvariantsAsync()).ShouldBe(before);
    }
}

using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Pgroll;

/// <summary>kill -9 in the middle of a type change's backfill (the keyset touch through the sync trigger), then apply again.</summary>
public sealed class PgrollTypeChangeKillTests() : DatabaseWithFolder("pgroll-kill-")
{
    private const int Rows = 40_000;
    private const string Name = "cents_killed";

    private string SpecPath => Path.Combine(Folder, Name + ".yaml");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await File.WriteAllTextAsync(SpecPath, "operations:\n  - alter_column: { table: pay, column: amount, type: bigint, up: amount::bigint * 100, down: (amount / 100)::text }\n");
    }

    private string[] ApplyArgs(params string[] extra) => ["apply", SpecPath, "-c", Db.ConnectionString, "--no-guards", "--workers", "2", .. extra];

    private Task<long> CountAsync(string sql) => Db.ScalarAsync<long>(sql);

    private async Task<long> BatchesAsync() =>
        await Db.ScalarAsync<bool>("SELECT to_regclass('switchyard.backfill_batches') IS NOT NULL")
            ? await CountAsync($"SELECT count(*) FROM switchyard.backfill_batches WHERE migration LIKE '{Name}#%' AND to_key > from_key")
            : 0;

    [Fact]
    public async Task Sigkill_MidTypeChangeBackfill_ApplyAgainResumesAndEveryCentIsProven()
    {
        // Given 40,000 text amounts changing to bigint cents, and an apply held to 2,000 rows/s
        await Db.ExecuteAsync($"CREATE TABLE pay (id bigint PRIMARY KEY, amount text NOT NULL); INSERT INTO pay SELECT g, (g % 997)::text FROM generate_series(1, {Rows}) g");
        var units = await Db.ScalarAsync<decimal>("SELECT sum(amount::bigint) FROM pay");

        // When it is SIGKILLed once a few batches committed
        await CliRunner.KillWhenAsync(ApplyArgs("--to", "validate", "--max-rows-per-second", "2000"), async () => await BatchesAsync() >= 3, "no batch committed");
        var unconvertedAtKill = await CountAsync("SELECT count(*) FROM pay WHERE _sy_new_amount IS NULL");

        // and apply runs again to Validate, then through Contract
        var resumed = await CliRunner.RunAsync(ApplyArgs("--to", "validate"));
        var contracted = await CliRunner.RunAsync(ApplyArgs("--confirm", Name));

        // Then the killed run had left rows to convert, the second run went on from the committed cursors (no key batched twice),
        // both proof gates passed, and every cent is in the bigint column
        resumed.ExitCode.ShouldBe(0, resumed.StdErr + resumed.StdOut);
        contracted.ExitCode.ShouldBe(0, contracted.StdErr + contracted.StdOut);
        unconvertedAtKill.ShouldBeGreaterThan(0);
        (await CountAsync($"SELECT count(DISTINCT run_no) FROM switchyard.backfill_batches WHERE migration LIKE '{Name}#%'")).ShouldBe(2);
        (await CountAsync($"""
            SELECT count(*) FROM switchyard.backfill_batches a JOIN switchyard.backfill_batches b
              ON a.migration = b.migration AND a.id < b.id AND a.from_key < b.to_key AND b.from_key < a.to_key
            WHERE a.migration LIKE '{Name}#%'
            """)).ShouldBe(0, "no key was batched by both runs");
        (await CountAsync($"SELECT sum(to_key - from_key)::bigint FROM switchyard.backfill_batches WHERE migration LIKE '{Name}#%'")).ShouldBe(Rows);
        (await CountAsync("SELECT count(*) FROM switchyard.steps WHERE step_key LIKE '%.pay.amount.proof' AND status = 'done'")).ShouldBe(2);
        (await Db.ScalarAsync<string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'pay'::regclass AND attname = 'amount'")).ShouldBe("bigint");
        (await Db.ScalarAsync<decimal>("SELECT sum(amount) FROM pay")).ShouldBe(units * 100);
        (await CountAsync("SELECT count(*) FROM pay")).ShouldBe(Rows);
    }
}

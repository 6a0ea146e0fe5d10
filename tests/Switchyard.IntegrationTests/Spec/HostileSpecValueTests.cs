using System.Globalization;
using System.Text;
using Npgsql;
using Switchyard.Core.Catalog;
using Switchyard.Core.Connections;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Spec;

/// <summary>
/// A spec value must never become SQL: hostile strings go through every spec field that reaches PostgreSQL (codes,
/// aliases, map_to, seed rows, balance codes, identifiers) under the server settings that once turned them into SQL,
/// and the migration still does exactly what the spec says and nothing else.
/// </summary>
public sealed class HostileSpecValueTests
{
    /// <summary>Quotes, backslashes, dollar tags, format directives, comments, unicode, and a value near the 2,000-byte limit.</summary>
    private static readonly string[] Hostile =
    [
        "o'brien", "''", "\\", "\\'", "a\\'; drop table canary; --", "$switchyard$",
        "x$switchyard$; drop table canary; create table pwned (); select $switchyard$", "$$", "$switchyard_1$", "\"quoted\"",
        "é中文🙂", "\u202eevil", "%s %l %i", "e'\\x41'", "/* --", "; select pg_sleep(30);",
        string.Concat(Enumerable.Repeat("$switchyard$'\\\"", 120)),
    ];

    private const string Unmapped = "zzz'unmapped\\ $switchyard$";

    [Theory]
    [InlineData("check_function_bodies")]
    [InlineData("standard_conforming_strings")]
    public async Task Migration_HostileValuesUnderUnsafeServerSetting_MapsThemAsDataAndChangesNothingElse(string setting)
    {
        // A fresh database per case: each case sets its own server default.
        var db = new TestDatabase();
        await db.InitializeAsync();
        try
        {
            await RunAsync(db, setting);
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    private static async Task RunAsync(TestDatabase db, string setting)
    {
        // Given a database whose sessions run with the unsafe setting, a canary table, and a table with hostile names and values
        await db.ExecuteAsync($"ALTER DATABASE {Ident.Quote(db.Name)} SET {setting} = off");
        var log = await ServerStatementLog.StartAsync(db);
        var codes = Hostile.Select((h, i) => i == 0 ? h : $"{h}#{i}").ToArray();
        var aliases = Hostile.Select((h, i) => (Alias: $"al {h}#{i}", Code: codes[(i + 3) % codes.Length])).ToArray();
        var fallback = codes[1];
        var spec = SpecLoader.Load(SpecYaml(codes, aliases, fallback), "hostile.yaml");
        await using var switchyard = DataSourceFactory.Create(db.ConnectionString);
        await using var app = NpgsqlDataSource.Create(db.ConnectionString);
        var sql = new SafeSqlRunner(switchyard);
        (await ScalarAsync<string>(app, $"SHOW {setting}")).ShouldBe("off");
        (await ScalarAsync<string>(switchyard, "SHOW standard_conforming_strings")).ShouldBe("on");
        await ExecuteAsync(app, $"""
            CREATE TABLE canary (id int);
            CREATE TABLE {Table} (id bigint PRIMARY KEY, {Legacy} text NOT NULL, amount bigint NOT NULL, grp int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
            """);
        // Every code, its trim/lower variants (tab, no-break space, ideographic space), every alias, an unmapped value.
        var legacy = codes.SelectMany(c => new[] { c, "\t" + c + "\u00a0", "\u3000" + AsciiUpper(c) })
            .Concat(aliases.Select(a => " " + AsciiUpper(a.Alias) + "\u2003")).Append(Unmapped).ToArray();
        await ExecuteAsync(app, $"INSERT INTO {Table} (id, {Legacy}, amount, grp) SELECT n, v, n * 10, n % 5 FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n)", [legacy]);
        var before = await CatalogSnapshot.TakeAsync(sql, CancellationToken.None);

        // When the migration runs Expand, the backfill and its Validate gate (the full validation suite)
        var engine = new MigrationEngine(sql, gate: new ValidationSuiteGate(ReconciliationSettings.For(spec), ValidationOptions.For(spec)));
        var result = await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);

        // Then it reached Validate, the canary stands and no stray object exists: only the lookup, its alias table,
        // the seeded table and the trigger function were added
        result.State.ShouldNotBe("failed", result.Message);
        (await ScalarAsync<bool>(app, "SELECT to_regclass('canary') IS NOT NULL AND to_regclass('pwned') IS NULL")).ShouldBeTrue();
        var after = await CatalogSnapshot.TakeAsync(sql, CancellationToken.None);
        after.Kinds["relations"].Except(before.Kinds["relations"]).Order(StringComparer.Ordinal).ShouldBe(
            new[] { "public.look\"up\\ $$ kind=r", "public.look\"up\\ $$_aliases kind=r", "public.look\"up\\ $$_id_seq kind=S", "public.se\"ed $switchyard$ kind=r" }.Order(StringComparer.Ordinal));
        after.Kinds["functions"].Except(before.Kinds["functions"]).Single().ShouldStartWith($"public.{NormalizationSql.TriggerFunction(spec.Operations.OfType<NormalizeColumnOperation>().Single().Target).Name}()");
        // the seed rows arrived as values, typed by their columns
        (await ScalarAsync<long>(app, $"SELECT count(*) FROM {SeedTable} WHERE label = ANY($1::text[]) AND n = 42", [Hostile])).ShouldBe(Hostile.Length);
        // and every row maps to exactly the code the spec says, through trim, lower, aliases and map_to
        var expected = Expected(codes, aliases, fallback, legacy);
        (await MismatchesAsync(app, expected)).ShouldBe(0);

        // When the application (in the unsafe session) inserts and updates through the dual-write trigger
        var alias = aliases[6];
        await ExecuteAsync(app, $"INSERT INTO {Table} (id, {Legacy}, amount, grp) VALUES (100001, $1, 1, 1), (100002, $2, 1, 1)", "\t" + AsciiUpper(alias.Alias) + " ", Unmapped + "!");
        await ExecuteAsync(app, $"UPDATE {Table} SET {Legacy} = $1 WHERE id = 1", "\u00a0" + codes[16]);
        await ExecuteAsync(app, $"UPDATE {Table} SET {Target} = (SELECT id FROM {Lookup} WHERE code = $1) WHERE id = 2", codes[5]);

        // Then each write is mapped by the same data
        (await ScalarAsync<string>(app, $"SELECT l.code FROM {Table} t JOIN {Lookup} l ON l.id = t.{Target} WHERE t.id = 100001")).ShouldBe(alias.Code);
        (await ScalarAsync<string>(app, $"SELECT l.code FROM {Table} t JOIN {Lookup} l ON l.id = t.{Target} WHERE t.id = 100002")).ShouldBe(fallback);
        (await ScalarAsync<string>(app, $"SELECT l.code FROM {Table} t JOIN {Lookup} l ON l.id = t.{Target} WHERE t.id = 1")).ShouldBe(codes[16]);
        (await ScalarAsync<string>(app, $"SELECT {Legacy} FROM {Table} WHERE id = 2")).ShouldBe(codes[5]);

        // When the migration is rolled back
        var rollback = await new MigrationRollback(sql).RollbackAsync(spec, null, CancellationToken.None);

        // Then the catalog is exactly the starting one, the canary included
        rollback.State.ShouldBe("rolled_back");
        var diff = (await CatalogSnapshot.TakeAsync(sql, CancellationToken.None)).Diff(before);
        diff.ShouldBeEmpty(string.Join("\n", diff));

        // And no code, alias or seed value was ever part of a statement's text: each reached the server bound
        var values = codes.Skip(1).Concat(aliases.Select(a => a.Alias)).Append(Unmapped).ToArray();
        var statements = log.Statements();
        statements.ShouldNotBeEmpty();
        var leaks = statements.SelectMany(q => values.Where(v => q.Contains(v, StringComparison.Ordinal)).Select(v => $"{v} in: {q[..Math.Min(q.Length, 300)]}")).ToList();
        leaks.ShouldBeEmpty(string.Join("\n", leaks.Take(5)));
    }

    private const string Table = "public.\"ord\"\"ers $switchyard$ 'x\\\"";
    private const string Legacy = "\"st'atus$switchyard$\"";
    private const string Lookup = "public.\"look\"\"up\\ $$\"";
    private const string SeedTable = "public.\"se\"\"ed $switchyard$\"";

    /// <summary>The target column: 63 bytes, the longest identifier PostgreSQL keeps.</summary>
    private static readonly string TargetName = new string('t', 61) + "é";

    private static string Target => Ident.Quote(TargetName);

    private static string SpecYaml(string[] codes, (string Alias, string Code)[] aliases, string fallback)
    {
        var yaml = new StringBuilder($$"""
            migration: hostile-values
            operations:
              - create_table:
                  table: {{Y("se\"ed $switchyard$")}}
                  columns: [{ name: id, type: bigint, primary_key: true }, { name: label, type: text }, { name: n, type: integer }]
                  seed:

            """);
        for (var i = 0; i < Hostile.Length; i++) yaml.AppendLine(CultureInfo.InvariantCulture, $"        - {{ id: {i + 1}, label: {Y(Hostile[i])}, n: 42 }}");
        yaml.AppendLine("        - { id: 999 }");
        yaml.Append($$"""
              - normalize_column:
                  table: {{Y("ord\"ers $switchyard$ 'x\\")}}
                  column: {{Y("st'atus$switchyard$")}}
                  target_column: {{Y(TargetName)}}
                  lookup: { table: {{Y("look\"up\\ $$")}}, codes: [{{string.Join(", ", codes.Select(Y))}}] }
                  normalize: [trim, lower]
                  unmapped: { map_to: {{Y(fallback)}} }
                  aliases:

            """);
        // Explicit keys (`? key`): an implicit YAML key may not exceed 1024 characters.
        foreach (var (alias, code) in aliases) yaml.AppendLine(CultureInfo.InvariantCulture, $"        ? {Y(alias)}\n        : {Y(code)}");
        yaml.Append($$"""
            validation:
              time_column: created_at
              amount_column: amount
              balance_group_column: grp
              balances: { held: [{{Y(codes[0])}}, {{Y(codes[4])}}], other: [{{Y(codes[6])}}] }
              report_columns: []

            """);
        return yaml.ToString();
    }

    /// <summary>A YAML double-quoted scalar: backslash and quote escaped, everything else as written.</summary>
    private static string Y(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>ASCII letters upper-cased: lower() folds them back under any collation.</summary>
    private static string AsciiUpper(string value) => string.Concat(value.Select(c => c is >= 'a' and <= 'z' ? char.ToUpperInvariant(c) : c));

    /// <summary>Each legacy value and the code the spec maps it to, computed here rather than by the code under test.</summary>
    private static (string[] Legacy, string[] Code) Expected(string[] codes, (string Alias, string Code)[] aliases, string fallback, string[] legacy)
    {
        var byNormalized = codes.ToDictionary(c => c, c => c, StringComparer.Ordinal);
        foreach (var (alias, code) in aliases) byNormalized[alias] = code;
        char[] whitespace = ['\t', ' ', '\u00a0', '\u3000', '\u2003'];
        var mapped = legacy.Select(v => byNormalized.GetValueOrDefault(string.Concat(v.Trim(whitespace).Select(c => c is >= 'A' and <= 'Z' ? char.ToLowerInvariant(c) : c)), fallback)).ToArray();
        return (legacy, mapped);
    }

    private static Task<long> MismatchesAsync(NpgsqlDataSource app, (string[] Legacy, string[] Code) expected) =>
        ScalarAsync<long>(app, $"""
            SELECT count(*) + abs((SELECT count(*) FROM {Table}) - $3) FROM {Table} t
            JOIN unnest($1::text[], $2::text[]) AS e(legacy, code) ON e.legacy = t.{Legacy}
            LEFT JOIN {Lookup} l ON l.id = t.{Target}
            WHERE l.code IS DISTINCT FROM e.code
            """, expected.Legacy, expected.Code, (long)expected.Legacy.Length);

    private static async Task ExecuteAsync(NpgsqlDataSource source, string sql, params object?[] parameters)
    {
        await using var connection = await source.OpenConnectionAsync();
        await using var cmd = SafeSqlRunner.Command(sql, connection, null, parameters);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource source, string sql, params object?[] parameters)
    {
        await using var connection = await source.OpenConnectionAsync();
        await using var cmd = SafeSqlRunner.Command(sql, connection, null, parameters);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}

using Switchyard.Core.Chains;
using Switchyard.Core.Engine;
using Switchyard.Core.Journal;
using Switchyard.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Switchyard.IntegrationTests.Pgroll;

/// <summary>pgroll's own 56-file example chain, read natively and applied start to complete on an empty database.</summary>
public sealed class PgrollExampleChainTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task ApplyChain_PeerExamplesOnEmptyDatabase_EveryFileCompletesAndTheCatalogHasTheirShape()
    {
        // Given the peer's example folder, loaded as a chain (file-name order), and an empty database
        var files = MigrationChain.Load(PeerExamples.Folder());
        var sql = _db.Runner();
        var engine = new MigrationEngine(sql);

        // When the chain runs, each file through Expand … Contract (confirmed, as pgroll's --complete)
        var result = await new ChainRunner(new MigrationJournal(sql)).ApplyAsync(files, expectOne: false,
            (file, ct) => engine.ApplyAsync(file.Spec, new ApplyOptions { Confirm = file.Spec.Name }, ct), CancellationToken.None);

        // Then every file completed
        var completed = await _db.ScalarAsync<long>("SELECT count(*) FROM switchyard.migrations WHERE state = 'completed'");
        output.WriteLine($"pgroll example chain: {completed} of {files.Count} completed; {result.Message}");
        files.Count.ShouldBe(56);
        result.Complete.ShouldBeTrue(result.Message);
        completed.ShouldBe(56);
        await ThenTheCatalogHasTheChainsShape();
    }

    private async Task ThenTheCatalogHasTheChainsShape()
    {
        // 04 renamed customers to clients; 07 dropped products and 56 created it again
        (await _db.ScalarAsync<bool>("SELECT to_regclass('clients') IS NOT NULL AND to_regclass('customers') IS NULL AND to_regclass('products') IS NOT NULL")).ShouldBeTrue();
        // 01: sellers has a two-column primary key
        (await _db.ScalarAsync<string>("SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'sellers'::regclass AND i.indisprimary"))
            .ShouldBe("name,zip");
        // 13: role renamed to job_title, with 12's comment
        (await _db.ScalarAsync<string>("SELECT col_description('employees'::regclass, (SELECT attnum FROM pg_attribute WHERE attrelid = 'employees'::regclass AND attname = 'job_title'))"))
            .ShouldBe("This is a comment for the role column");
        // 16 and 18: reviews.review NOT NULL, reviews.rating integer; 27 dropped the unique constraint
        (await _db.ScalarAsync<string>("SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod) || ':' || attnotnull, ',' ORDER BY attname) FROM pg_attribute WHERE attrelid = 'reviews'::regclass AND attname IN ('review', 'rating')"))
            .ShouldBe("rating:integer:true,review:text:true");
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE conrelid = 'reviews'::regclass AND contype = 'u'")).ShouldBe(0);
        // 33: the check was renamed; 26: age has a validated check
        (await _db.ScalarAsync<string>("SELECT string_agg(conname || ':' || convalidated, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'people'::regclass AND contype = 'c'"))
            .ShouldBe("age_check:true,name_length_check:true");
        // 35: events.name became text NOT NULL with a default, a unique constraint, a check and a new comment
        (await _db.ScalarAsync<string>("SELECT format_type(atttypid, atttypmod) || ':' || attnotnull FROM pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'name'")).ShouldBe("text:true");
        (await _db.ScalarAsync<string>("SELECT string_agg(conname || ':' || contype::text, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype IN ('u', 'c')"))
            .ShouldBe("event_name_length:c,events_event_name_unique:u");
        // 36: the comment was removed again
        (await _db.ScalarAsync<string?>("SELECT col_description('events'::regclass, (SELECT attnum FROM pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'name'))")).ShouldBeNull();
        // 38 and 54: a hash index with fillfactor 70, an index with the operator class named (int8_ops, bigint's default, so the definition omits it)
        (await _db.ScalarAsync<string>("SELECT pg_get_indexdef('idx_fruits_name'::regclass)") ?? "").ShouldContain("USING hash (name) WITH (fillfactor='70')");
        (await _db.ScalarAsync<string>("SELECT o.opcname::text FROM pg_index i JOIN pg_opclass o ON o.oid = i.indclass[0] WHERE i.indexrelid = 'idx_fruits_custom_opclass'::regclass")).ShouldBe("int8_ops");
        // 29: replica identity from the primary key index
        (await _db.ScalarAsync<string>("SELECT relreplident::text FROM pg_class WHERE oid = 'fruits'::regclass")).ShouldBe("i");
        // 47, 48: the two-column foreign key is validated; the check is gone
        (await _db.ScalarAsync<string>("SELECT string_agg(conname || ':' || contype::text || ':' || convalidated, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'tickets'::regclass AND contype <> 'n'"))
            .ShouldBe("fk_sellers:f:true,tickets_pkey:p:true,unique_zip_name:u:true");
        // 52: the exclusion constraint; 55: the primary key attached from a concurrently built index
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE conname IN ('forbid_duplicated_titles', 'tasks_pkey') AND contype IN ('x', 'p')")).ShouldBe(2);
        // and no trigger or shadow column is left behind
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal")).ShouldBe(0);
        (await _db.ScalarAsync<string?>("SELECT string_agg(c.relname || '.' || a.attname, ',') FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname LIKE '\\_sy\\_%' AND NOT a.attisdropped")).ShouldBeNull();
    }
}

using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Core.LocalPostgres;
using Switchyard.Samples.Ledger.Invariants;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>
/// Three separate managed clusters (a fleet's shards: separate servers, not databases of one), started once for the
/// fleet tests and stopped when they are done. Use with <see cref="FleetCollection"/>.
/// </summary>
public sealed class FleetClusters : IAsyncLifetime
{
    public const int Count = 3;

    public IReadOnlyList<LocalCluster> Clusters { get; private set; } = [];

    public static string Home(int shard) => Path.Combine(TestCluster.RepositoryRoot(), ".switchyard", $"fleet-cluster-{shard}");

    public async Task InitializeAsync()
    {
        // One after another: initdb on a 2-core box shared with others is faster without contention.
        var clusters = new List<LocalCluster>();
        for (var i = 1; i <= Count; i++)
        {
            var cluster = new LocalCluster(new LocalClusterOptions { Home = Home(i), Fast = true });
            await cluster.StartAsync(CancellationToken.None);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.SignalStop();
            clusters.Add(cluster);
        }
        Clusters = clusters;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var c in Clusters) await c.StopAsync(CancellationToken.None);
    }
}

[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<FleetClusters>
{
    public const string Name = "fleet clusters";
}

/// <summary>
/// A fresh seeded ledger database on each of the three clusters and a fleet file naming them (managed shards
/// s1, s2, s3). Dispose drops the databases and the file.
/// </summary>
public sealed class FleetLedger : IAsyncDisposable
{
    private readonly FleetClusters _fleet;

    private FleetLedger(FleetClusters fleet, string database, string folder)
    {
        _fleet = fleet;
        Database = database;
        Folder = folder;
    }

    public string Database { get; }
    public string Folder { get; }
    public string FleetFile => Path.Combine(Folder, "fleet.yaml");
    public List<NpgsqlDataSource> Shards { get; } = [];

    /// <summary>Each shard's connection string (a password file, no password), for commands run against one shard.</summary>
    public List<string> ConnectionStrings { get; } = [];

    public static string ShardName(int index) => $"s{index + 1}";

    public static Task<FleetLedger> CreateAsync(FleetClusters fleet, int rows = 20_000) => CreateAsync(fleet, [.. Enumerable.Repeat(rows, FleetClusters.Count)]);

    /// <summary>As above, with each shard seeded with its own number of transactions (s1 first).</summary>
    public static async Task<FleetLedger> CreateAsync(FleetClusters fleet, IReadOnlyList<int> rowsPerShard)
    {
        var folder = Directory.CreateTempSubdirectory("switchyard-fleet-").FullName;
        var ledger = new FleetLedger(fleet, "f_" + Guid.NewGuid().ToString("N")[..12], folder);
        var yaml = new System.Text.StringBuilder("fleet: test-fleet\nshards:\n");
        for (var i = 0; i < FleetClusters.Count; i++)
        {
            var cluster = fleet.Clusters[i];
            await using (var admin = DataSourceFactory.Create(cluster.ConnectionString()))
            await using (var cmd = admin.CreateCommand($"CREATE DATABASE {Ident.Quote(ledger.Database)}"))
                await cmd.ExecuteNonQueryAsync();
            var source = DataSourceFactory.Create(cluster.ConnectionString(ledger.Database), "switchyard-tests");
            ledger.Shards.Add(source);
            ledger.ConnectionStrings.Add(cluster.ConnectionString(ledger.Database));
            await new LedgerSeeder(source).SeedAsync(new SeedOptions { Rows = rowsPerShard[i] }, null, CancellationToken.None);
            yaml.Append($"  - name: {ShardName(i)}\n    managed: {FleetClusters.Home(i + 1)}\n    database: {ledger.Database}\n");
        }
        await File.WriteAllTextAsync(ledger.FleetFile, yaml.ToString());
        return ledger;
    }

    public string[] Fleet => ["--fleet", FleetFile];

    public Task<LedgerInvariants> InvariantsAsync(int shard) => LedgerInvariantsReader.ReadAsync(Shards[shard], CancellationToken.None);

    public async Task<T?> ScalarAsync<T>(int shard, string sql)
    {
        await using var cmd = Shards[shard].CreateCommand(sql);
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async Task ExecuteAsync(int shard, string sql)
    {
        await using var cmd = Shards[shard].CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>(phase, state) of the migration in the shard's journal.</summary>
    public async Task<(string Phase, string State)> JournalAsync(int shard, string migration)
    {
        await using var cmd = Shards[shard].CreateCommand("SELECT phase, state FROM switchyard.migrations WHERE name = $1");
        cmd.Parameters.AddWithValue(migration);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue($"no journal row for {migration} on shard {ShardName(shard)}");
        return (reader.GetString(0), reader.GetString(1));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in Shards) await s.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        for (var i = 0; i < FleetClusters.Count; i++)
        {
            await using var admin = DataSourceFactory.Create(_fleet.Clusters[i].ConnectionString());
            await using var cmd = admin.CreateCommand($"DROP DATABASE IF EXISTS {Ident.Quote(Database)} WITH (FORCE)");
            await cmd.ExecuteNonQueryAsync();
        }
        Directory.Delete(Folder, recursive: true);
    }
}
